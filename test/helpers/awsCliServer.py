"""The installed AWS CLI, run command after command in one Python process (test/helpers/awsCli.ts).

Each request is one JSON line on stdin: {"argv": [...], "env": {...}}. It is run as /usr/bin/aws
runs it: ``AWSCLIEntryPoint().main(argv)`` of the CLI's own package, with a new botocore session
each time, the request's environment as the whole environment, and stdout and stderr captured.
The answer is one JSON line on stdout: {"code": N, "stdout": "...", "stderr": "..."}.

Why: a CLI process spends ~0.6 s of CPU starting Python and importing the CLI before its first
request; the tests run about sixty commands. What each command does, from parsing its arguments
to printing its output, is the CLI's own code either way.
"""
import io
import json
import os
import sys

at_start = dict(os.environ)
from awscli.clidriver import AWSCLIEntryPoint  # noqa: E402

# What importing the CLI put in the environment (AWS_DATA_PATH: where its models are), kept
# under every request's environment.
set_by_import = {k: v for k, v in os.environ.items() if at_start.get(k) != v}
protocol_in, protocol_out = sys.stdin, sys.stdout


def run(argv, env):
    os.environ.clear()
    os.environ.update(env)
    os.environ.update(set_by_import)
    # As /usr/bin/aws does before importing the CLI.
    if os.environ.get('LC_CTYPE', '') == 'UTF-8':
        os.environ['LC_CTYPE'] = 'en_US.UTF-8'
    # argparse names the program after argv[0] in its messages ("aws: error: ...").
    sys.argv = [cli] + argv
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding='utf-8', write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding='utf-8', write_through=True)
    # A command reads nothing from this process's stdin: that is where the next requests come from.
    sys.stdin = io.StringIO('')
    sys.stdout, sys.stderr = out, err
    try:
        code = AWSCLIEntryPoint().main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        out.flush()
        err.flush()
        sys.stdin, sys.stdout, sys.stderr = protocol_in, protocol_out, sys.__stderr__
    return {
        'code': code or 0,
        'stdout': out_bytes.getvalue().decode('utf-8', 'replace'),
        'stderr': err_bytes.getvalue().decode('utf-8', 'replace'),
    }


cli = sys.argv[1] if len(sys.argv) > 1 else 'aws'
for line in protocol_in:
    request = json.loads(line)
    protocol_out.write(json.dumps(run(request['argv'], request['env'])) + '\n')
    protocol_out.flush()
