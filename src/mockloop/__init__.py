"""mockloop: rehearse spoken STAR answers with a coach that listens. Offline and private."""

__version__ = "0.1.0"
