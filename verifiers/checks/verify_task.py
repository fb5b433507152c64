"""Every check of one tabular task in one sandbox job (verify_checks.one_job).

The shared plan's two jobs, one after the other in this process: first the MM job (run one of
the determinism pair, then the MM checks) in the folder mm/, then the IF job (run two of the
pair, then the IF checks) in the folder if/. Each part is the same program with the same
inputs that its own job would run (verify_mm.py, verify_if.py), so it writes the same
checks_result.json, prediction.csv and reference_status.json there; the caller reads each
folder as that job's response. One job instead of two: the task's files are sent once, and the
pages a job copies from the warm worker are copied once.

Job files: the inputs of both parts at the top level (each part's folder gets links to them),
mm/checks_params.json and if/checks_params.json (as each job would get them), the programs
verify_mm.py and verify_if.py and the modules they import.
The IF part runs only when run one wrote predictions: without them the determinism check
fails from run one alone and run two decides nothing. A part that stops on anything but its
own reported outcome (a Python error the program does not catch, MemoryError) leaves no
checks_result.json, and nothing after it runs: the caller then runs the task as two jobs.
"""

import os
import sys
import traceback

PARTS = (("mm", "verify_mm"), ("if", "verify_if"))
# Ours, not the task's: imported afresh by each part as a job of its own would.
MODULES = ("ranges", "verify_common", "verify_reference", "reference_solution", "verify_mm", "verify_if")


def link_inputs(folder):
    for name in sorted(os.listdir(".")):
        if os.path.isfile(name) and not name.endswith(".py"):
            os.link(name, os.path.join(folder, name))


def run_part(folder, module_name):
    """Runs one program's main in `folder`; False when it stopped without its outcome."""
    top = os.getcwd()
    link_inputs(folder)
    os.chdir(folder)
    for name in MODULES:
        sys.modules.pop(name, None)
    try:
        module = __import__(module_name)
        module.main()
    except Exception:
        traceback.print_exc()
    finally:
        os.chdir(top)
    return os.path.isfile(os.path.join(folder, "checks_result.json"))


def reference_ok(folder):
    import json

    try:
        with open(os.path.join(folder, "reference_status.json"), encoding="utf-8") as handle:
            return json.load(handle).get("status") == "ok"
    except (OSError, ValueError):
        return False


def main():
    # The programs' own modules are next to this one (the job folder is sys.path[0]).
    sys.path[0] = os.getcwd()
    for folder, module_name in PARTS:
        if not run_part(folder, module_name):
            return 0
        if folder == "mm" and not reference_ok(folder):
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
