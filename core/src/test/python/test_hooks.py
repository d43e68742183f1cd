"""The toolkit's hook contract: transform_fn, hooks taking a context, and what a model may not mix."""
import json
import os
import unittest

from adapter_env import load, write_model


class TransformFnTest(unittest.TestCase):
    def test_a_model_with_only_transform_fn_gets_the_raw_request(self):
        h = load(write_model("""
            def model_fn(model_dir):
                return "m"
            def transform_fn(model, data, content_type, accept):
                return "%s|%s|%s|%s" % (model, data.decode(), content_type, accept), "text/plain"
        """))
        self.assertEqual((b"m|hi|text/plain|text/csv", "text/plain"), h.invoke(b"hi", "text/plain", "text/csv"))

    def test_transform_fn_sees_the_default_accept_for_a_wildcard(self):
        h = load(write_model("""
            def model_fn(model_dir):
                return None
            def transform_fn(model, data, content_type, accept):
                return accept.encode()
        """))
        self.assertEqual((b"application/json", "application/octet-stream"), h.invoke(b"", "text/plain", "*/*"))

    def test_transform_fn_with_predict_fn_is_refused_as_the_toolkit_does(self):
        d = write_model("""
            def model_fn(model_dir):
                return None
            def transform_fn(model, data, content_type, accept):
                return data
            def predict_fn(data, model):
                return data
        """)
        with self.assertRaisesRegex(AttributeError, "transform_fn and predict_fn"):
            load(d)

    def test_a_model_without_predict_fn_or_transform_fn_is_refused(self):
        with self.assertRaisesRegex(AttributeError, "neither predict_fn nor transform_fn"):
            load(write_model("def model_fn(model_dir):\n    return None\n"))


class WildcardAcceptTest(unittest.TestCase):
    def test_bytes_from_output_fn_under_a_wildcard_accept_are_octet_stream_and_it_sees_the_default(self):
        h = load(write_model("""
            def model_fn(model_dir):
                return None
            def predict_fn(data, model):
                return data
            def output_fn(prediction, accept):
                return accept.encode()
        """))
        self.assertEqual((b"application/json", "application/octet-stream"), h.invoke(b"{}", "application/json", "*/*"))
        self.assertEqual((b"application/json", "application/octet-stream"), h.invoke(b"{}", "application/json", None))


class ContextTest(unittest.TestCase):
    def test_hooks_taking_a_context_get_it_and_the_others_do_not(self):
        h = load(write_model("""
            def model_fn(model_dir, context):
                return {"dir": context.system_properties["model_dir"]}
            def input_fn(body, content_type, context):
                return {"body": body.decode(), "header": context.get_request_header(0, "x-custom")}
            def predict_fn(data, model):
                return dict(data, dir=model["dir"])
            def output_fn(prediction, accept, context):
                return __import__("json").dumps(prediction), accept
        """))
        ctx = h.context({"X-Custom": "yes"})
        body, ctype = h.invoke(b"q", "text/plain", "application/json", ctx)
        self.assertEqual({"body": "q", "header": "yes", "dir": h.model_dir}, json.loads(body))
        self.assertEqual("application/json", ctype)

    def test_transform_fn_taking_a_context(self):
        h = load(write_model("""
            def model_fn(model_dir):
                return 1
            def transform_fn(model, data, content_type, accept, context):
                return str(context.model_dir == model_dir_seen()), "text/plain"
            def model_dir_seen():
                import os
                return os.path.dirname(os.path.abspath(__file__))
        """))
        self.assertEqual((b"True", "text/plain"), h.invoke(b"", "text/plain", "*/*"))

    def test_a_hook_with_the_wrong_number_of_arguments_is_named(self):
        d = write_model("""
            def model_fn(model_dir):
                return None
            def predict_fn(data):
                return data
        """)
        with self.assertRaisesRegex(TypeError, "predict_fn takes 1 arguments"):
            load(d)


if __name__ == "__main__":
    unittest.main()
