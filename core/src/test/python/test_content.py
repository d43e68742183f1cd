"""Default decoders and encoders (mldeploy_adapter.content), as the inference toolkit's."""
import io
import os
import unittest

import adapter_env  # noqa: F401 - puts the adapter on sys.path
from mldeploy_adapter import content, errors

import numpy as np


def without_numpy(case):
    """Runs the rest of the test as in an environment without numpy."""
    saved = content._np
    content._np = None
    case.addCleanup(setattr, content, "_np", saved)


class DecodeTest(unittest.TestCase):
    def test_numeric_csv_becomes_a_float_array_shaped_as_genfromtxt_shapes_it(self):
        for body in (b"1,2\n3,4\n", b"1,2.5,3", b"1\n2\n3\n", b"7", b"1,,3\r\n4,5,6\r\n", b"-1e3, 2 \n"):
            decoded = content.decode(body, "text/csv")
            expected = np.genfromtxt(io.StringIO(body.decode()), delimiter=",", dtype=float)
            self.assertIsInstance(decoded, np.ndarray, body)
            self.assertEqual(np.float64, decoded.dtype, body)
            self.assertEqual(expected.shape, decoded.shape, body)
            np.testing.assert_array_equal(expected, decoded, err_msg=repr(body))
        self.assertEqual((2, 2), content.decode(b"1,2\n3,4\n", "text/csv").shape, "two rows: 2-D")

    def test_csv_with_text_fields_stays_rows_with_numbers_parsed(self):
        self.assertEqual([[1, 2.5, "x"], [3, 4, "y"]], content.decode(b"1,2.5,x\n3,4,y\n", "text/csv"))

    def test_numeric_csv_with_rows_of_different_lengths_is_400(self):
        with self.assertRaises(errors.MalformedRequestError) as caught:
            content.decode(b"1,2\n3\n", "text/csv")
        self.assertEqual(400, caught.exception.status)
        self.assertIn("row 2 has 1 fields, row 1 has 2", caught.exception.message)

    def test_without_numpy_csv_becomes_rows_with_numbers_parsed(self):
        without_numpy(self)
        self.assertEqual([[1, 2], [3, 4.5]], content.decode(b"1,2\n3,4.5\n", "text/csv"))
        self.assertEqual([[1, 2], [3]], content.decode(b"1,2\n3\n", "text/csv"), "ragged rows are left to the model")
        self.assertNotIn(content.NPY, content.supported_content_types())

    def test_npy_becomes_the_array(self):
        out = io.BytesIO()
        np.save(out, np.arange(6, dtype=np.float32).reshape(2, 3))
        decoded = content.decode(out.getvalue(), "application/x-npy")
        self.assertEqual((2, 3), decoded.shape)
        self.assertEqual(np.float32, decoded.dtype)

    def test_npz_becomes_a_dict_of_arrays(self):
        out = io.BytesIO()
        np.savez(out, a=np.array([1, 2]), b=np.array([[3]]))
        decoded = content.decode(out.getvalue(), "application/x-npz")
        self.assertEqual(["a", "b"], sorted(decoded))
        self.assertEqual([1, 2], decoded["a"].tolist())

    def test_unknown_content_type_is_415_naming_what_is_supported(self):
        with self.assertRaises(errors.UnsupportedContentTypeError) as caught:
            content.decode(b"\x89PNG", "image/png")
        self.assertEqual(415, caught.exception.status)
        self.assertIn("image/png", caught.exception.message)
        self.assertIn("input_fn", caught.exception.message)

    def test_malformed_bodies_are_400(self):
        for body, content_type in ((b"{", "application/json"), (b"\xff\xfe", "text/plain"),
                                   (b"not npy", "application/x-npy")):
            with self.assertRaises(errors.MalformedRequestError, msg=content_type) as caught:
                content.decode(body, content_type)
            self.assertEqual(400, caught.exception.status)


class EncodeTest(unittest.TestCase):
    def setUp(self):
        self.addCleanup(os.environ.pop, content.DEFAULT_ACCEPT_ENV, None)

    def test_json_csv_and_npy_by_accept(self):
        self.assertEqual((b"[[1, 2], [3, 4]]", "application/json"), content.encode([[1, 2], [3, 4]], "application/json"))
        self.assertEqual((b"1,2\n3,4\n", "text/csv"), content.encode([[1, 2], [3, 4]], "text/csv"))
        self.assertEqual((b"1\n2\n", "text/csv"), content.encode(np.array([1, 2]), "text/csv"))
        body, ctype = content.encode(np.array([[1.5, 2.0]]), "application/x-npy")
        self.assertEqual("application/x-npy", ctype)
        self.assertEqual([[1.5, 2.0]], np.load(io.BytesIO(body)).tolist())

    def test_a_decoded_csv_array_is_written_back_as_csv(self):
        self.assertEqual((b"1.0,2.0\n3.0,4.5\n", "text/csv"),
                         content.encode(content.decode(b"1,2\n3,4.5\n", "text/csv"), "text/csv"))
        self.assertEqual((b"[1.0, 2.0]", "application/json"), content.encode(np.array([1.0, 2.0]), "application/json"))

    def test_without_numpy_lists_are_written_as_csv_and_json_and_npy_is_not_offered(self):
        without_numpy(self)
        self.assertEqual((b"1,2\n3,4.5\n", "text/csv"), content.encode([[1, 2], [3, 4.5]], "text/csv"))
        self.assertEqual((b"[1, 2]", "application/json"), content.encode([1, 2], "application/json"))
        with self.assertRaises(errors.UnsupportedAcceptError):
            content.encode([1, 2], "application/x-npy")

    def test_numpy_values_are_written_as_json(self):
        self.assertEqual((b'{"p": [0.5], "n": 3}', "application/json"),
                         content.encode({"p": np.array([0.5]), "n": np.int64(3)}, "application/json"))

    def test_an_accept_list_takes_the_first_type_with_an_encoder(self):
        self.assertEqual((b"1\n", "text/csv"), content.encode([1], "image/png, text/csv;q=0.9, application/json"))

    def test_wildcard_accept_means_the_default_accept_setting(self):
        self.assertEqual((b"[1]", "application/json"), content.encode([1], "*/*"))
        os.environ[content.DEFAULT_ACCEPT_ENV] = "text/csv"
        self.assertEqual((b"1\n", "text/csv"), content.encode([1], "*/*"))
        self.assertEqual((b"1\n", "text/csv"), content.encode([1], None))

    def test_bytes_under_a_wildcard_accept_are_octet_stream_not_the_wildcard(self):
        self.assertEqual((b"\x01", "application/octet-stream"), content.encode(b"\x01", "*/*"))
        self.assertEqual((b"\x01", "application/octet-stream"), content.normalize_output(b"\x01", "*/*"))
        self.assertEqual((b"\x01", "image/png"), content.normalize_output((b"\x01", "image/png"), "*/*"))

    def test_no_encoder_for_the_accept_is_406(self):
        with self.assertRaises(errors.UnsupportedAcceptError) as caught:
            content.encode({"a": 1}, "image/png")
        self.assertEqual(406, caught.exception.status)
        self.assertEqual({"errorType": "UnsupportedAccept", "statusCode": 406,
                          "errorMessage": caught.exception.message}, caught.exception.to_dict())


if __name__ == "__main__":
    unittest.main()
