"""Only what pyproject.toml cannot say: ship the top-level content/ and assets/ inside the wheel.

They live at the top of the repository (coaches edit content/ there), and an installed mockloop
finds them next to the package, as mockloop/content and mockloop/assets (core.content.shipped_path).
An editable install reads them from the checkout instead, so nothing is copied for it.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("content", "assets")


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        for name in DATA_DIRS:
            target = Path(self.build_lib) / "mockloop" / name
            shutil.rmtree(target, ignore_errors=True)  # no stale file from an earlier build
            self.copy_tree(str(root / name), str(target))


setup(cmdclass={"build_py": BuildPyWithData})
