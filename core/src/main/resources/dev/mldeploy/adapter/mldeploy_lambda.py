"""mldeploy adapter: the AWS Lambda handler (handler name mldeploy_lambda.handler), and its local serve mode.

Importing this module loads the model (Lambda's init phase, which provisioned concurrency runs ahead of requests);
an exception in model_fn fails the import, and Lambda reports Runtime.InitError with its traceback. The code is in
the package mldeploy_adapter (lambda_handler); this file is the entry point the handler name and the local target
use.

Serve mode runs the handler behind the SageMaker contract, for the local target (`--contract lambda`), in one
worker process (Lambda runs one request per execution environment):
    python3 mldeploy_lambda.py serve --model-dir DIR --host 127.0.0.1 --port P

Standard library only, Python 3.9+.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
from mldeploy_adapter import lambda_handler as _impl  # noqa: E402
from mldeploy_adapter.lambda_handler import (  # noqa: E402,F401 - the handler and its helpers, as before
    LocalContext, decode_event, encode_body, handler, is_text, make_event)

if __name__ != "__main__":
    _impl.init(_HERE)


def main(argv=None):
    import argparse
    from mldeploy_adapter import serve as server

    parser = argparse.ArgumentParser(prog="mldeploy_lambda.py",
                                     description="run the Lambda handler behind GET /ping and POST /invocations")
    sub = parser.add_subparsers(dest="command")
    s = sub.add_parser("serve", help="serve the model through handler(event, context)")
    s.add_argument("--model-dir", default=None)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if args.command != "serve":
        parser.print_help(sys.stderr)
        return 2
    server.setsid_if_asked()
    return _impl.serve(args.model_dir or _impl.model_dir(_HERE), args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
