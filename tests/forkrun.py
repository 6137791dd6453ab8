"""Run Python scripts, each in a new process forked from this one after it has imported the modules
named on its command line: ``python forkrun.py numpy matplotlib.pyplot``.

tests/test_copy_paste.py runs every snippet of the site this way in the reader's venv, so the import
of numpy and matplotlib (about 0.5 s of CPU) is paid once, not once per snippet; lstmgrad and
everything else a snippet uses it imports itself, as in a fresh interpreter.

Reads one JSON request per line, ``{"script", "cwd", "env", "out", "err"}``, and answers each with a
line ``{"returncode": int}``. The child runs the script as ``python script`` would: as ``__main__``,
with ``sys.argv`` and ``sys.path[0]`` set from it, in the request's environment and working directory,
stdin empty, stdout and stderr written to the files named, an uncaught exception printed with exit
status 1, and the ``atexit`` functions run at the end.
"""

import importlib
import json
import os
import sys

for name in sys.argv[1:]:
    importlib.import_module(name)

replies = os.fdopen(os.dup(1), "w")
for line in sys.stdin:
    req = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.chdir(req["cwd"])
            os.environ.clear()
            os.environ.update(req["env"])
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            for fd, path in ((1, req["out"]), (2, req["err"])):
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
            import atexit
            import runpy
            import traceback

            script = os.path.abspath(req["script"])
            sys.argv = [req["script"]]
            sys.path[0] = os.path.dirname(script)
            try:
                runpy.run_path(script, run_name="__main__")
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                if not isinstance(e.code, int) and e.code is not None:
                    print(e.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
                code = 1
            atexit._run_exitfuncs()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    replies.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
    replies.flush()
