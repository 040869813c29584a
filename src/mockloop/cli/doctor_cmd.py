"""``mockloop doctor``: one line per setup check; exit 0 when nothing failed, 1 when any did."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mockloop.cli.common import print_json


def register(sub: Any) -> None:
    from mockloop.services.doctor import CHECK_NAMES

    p = sub.add_parser(
        "doctor",
        help="check the microphone, voice, speech model and data folder",
        description="Check that this machine can run a spoken session. Exit code 0 when no check "
        "failed (warnings allowed), 1 when any check failed.",
    )
    p.add_argument("--skip", action="append", default=[], choices=CHECK_NAMES, metavar="CHECK",
                   help=f"skip a check ({', '.join(CHECK_NAMES)}); repeatable")  # fmt: skip
    p.add_argument("--device", metavar="D", help="test this input device (default: the one in Settings)")
    p.add_argument("--model", metavar="DIR", help="test this CTranslate2 Whisper folder")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    from mockloop.services import doctor

    device = args.device
    if device is None:
        from mockloop import settings

        device = settings.load().input_device
    opts = doctor.Options(device=device or None, model_path=args.model)

    def show(res: doctor.CheckResult) -> None:
        if not args.json:
            print(res.line(), flush=True)

    results = doctor.run_checks(args.skip, options=opts, on_result=show)
    code = doctor.exit_code(results)
    if args.json:
        print_json({"ok": code == 0, "exit_code": code, "checks": [r.to_dict() for r in results]})
    elif code:
        failed = ", ".join(r.name for r in results if r.failed)
        print(f"\n{failed}: see the fix lines above.", file=sys.stderr)
    return code
