"""mldeploy adapter: serves a model over the SageMaker hosting contract, with N worker processes.

    python3 mldeploy_serve.py serve [--model-dir DIR] [--host H] [--port P]

The code is in the package mldeploy_adapter (serve: workers, limits, identity, exit statuses; hooks: the model's
hooks; content: default decoders and encoders); this file is the entry point the container and the local target
run. Standard library only (numpy optional), Python 3.9+.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mldeploy_adapter.serve import (  # noqa: E402,F401 - kept importable from here, as before
    DEFAULT_MAX_REQUEST_BYTES, main, request_auth, response_proof, rotate_if_large, serve)

if __name__ == "__main__":
    sys.exit(main())
