"""Runs aws_conformance_check with one addition: requests signed for 'monitoring' (CloudWatch's signing name),
which the checker's service_for() does not list and guesses to be IAM, are checked against botocore's
'cloudwatch' model, decoded as its 'query' protocol (the one the Java SDK 2.40.2 sends)."""
import sys, runpy, importlib.util
sys.path.insert(0, "/work/shared/tools/aws-conformance")
spec = importlib.util.spec_from_file_location("acc", "/work/shared/tools/aws-conformance/aws_conformance_check.py")
acc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(acc)
import re
for name in dir(acc):
    cls = getattr(acc, name)
    if isinstance(cls, type) and hasattr(cls, "service_for"):
        original = cls.service_for
        def service_for(self, rec, _orig=original):
            auth = rec["headers"].get("authorization", "")
            m = re.search(r"Credential=[^/]*/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)
            if m and m.group(2) == "monitoring" and not rec["headers"].get("x-amz-target"):
                return "cloudwatch", m.group(1)
            return _orig(self, rec)
        cls.service_for = service_for
        original_model = cls.model
        def model(self, service, _orig=original_model):
            m = _orig(self, service)
            if service == "cloudwatch":
                # botocore lists smithy-rpc-v2-cbor first; SDK 2.40.2 sends the model's 'query' protocol
                m.metadata["protocol"] = "query"
            return m
        cls.model = model
sys.exit(acc.main())
