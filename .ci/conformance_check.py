#!/usr/bin/env python3
"""Runs the shared AWS conformance checker (../shared/tools/aws-conformance, read-only here) unchanged, except
that it also routes the services it does not recognise by their SigV4 signing name to their botocore models:

- "monitoring" is CloudWatch (metrics, alarms): botocore's `cloudwatch` model. Its metadata lists the protocols
  [smithy-rpc-v2-cbor, json, query]; the AWS SDK for Java 2.40.2 sends the query protocol (a form body with
  Action=...), so those requests are decoded as query.
- "apigateway" is API Gateway's REST API (v1, `apigateway`) or, for paths under /v2/, its HTTP API (`apigatewayv2`).

Without this the checker decodes them as IAM (a form POST) or S3 (anything else) and reports every one as an
unknown operation. Every rule and every model stay the checker's own.

Usage: conformance_check.py CONFORMANCE_DIR CAPTURE... [checker options]
"""
import re
import sys

SIGNING = {"monitoring": "cloudwatch", "apigateway": "apigateway"}


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, sys.argv[1])
    import aws_conformance_check as checker  # the shared tool, unchanged

    router = checker.Router
    original_service_for = router.service_for
    original_model = router.model

    def service_for(self, rec):
        auth = rec["headers"].get("authorization", "")
        m = re.search(r"Credential=[^/]*/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)
        if m and m.group(2) in SIGNING and not rec["headers"].get("x-amz-target"):
            service = SIGNING[m.group(2)]
            if service == "apigateway" and rec["path"].startswith("/v2/"):
                service = "apigatewayv2"
            return service, m.group(1)
        return original_service_for(self, rec)

    def model(self, service):
        m = original_model(self, service)
        if service == "cloudwatch" and m.metadata.get("protocol") != "query" \
                and "query" in (m.metadata.get("protocols") or []):
            m.metadata["protocol"] = "query"
        return m

    router.service_for = service_for
    router.model = model
    sys.argv = [sys.argv[0]] + sys.argv[2:]
    return checker.main()


if __name__ == "__main__":
    sys.exit(main())
