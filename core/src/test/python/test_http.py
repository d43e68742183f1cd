"""The server's own HTTP request parsing (mldeploy_adapter.serve.read_headers and Handler.parse_request): what the
standard library's parser answered, without its cost."""
import io
import socket
import unittest

from adapter_env import ServerCase
from mldeploy_adapter import serve


class ReadHeadersTest(unittest.TestCase):
    def test_names_are_case_insensitive_and_the_first_of_a_repeated_name_wins(self):
        h = serve.read_headers(io.BytesIO(b"Content-Type: text/csv\r\naccept:  a/b \r\nAccept: c/d\r\n\r\nbody"))
        self.assertEqual("text/csv", h.get("content-type"))
        self.assertEqual("a/b", h.get("ACCEPT"))
        self.assertIsNone(h.get("X-Missing"))
        self.assertEqual("dflt", h.get("X-Missing", "dflt"))
        self.assertEqual({"Content-Type": "text/csv", "accept": "a/b", "Accept": "c/d"}, dict(h.items()))
        self.assertEqual(["Content-Type", "accept", "Accept"], list(h))
        self.assertIn("CONTENT-TYPE", h)

    def test_the_block_ends_at_the_empty_line_leaving_the_body_unread(self):
        stream = io.BytesIO(b"A: 1\n\nrest")
        self.assertEqual("1", serve.read_headers(stream).get("a"))
        self.assertEqual(b"rest", stream.read())

    def test_a_folded_line_continues_the_previous_value(self):
        self.assertEqual("one two", serve.read_headers(io.BytesIO(b"X: one\r\n  two\r\n\r\n")).get("x"))

    def test_too_many_or_too_long_lines_are_431_and_a_line_without_a_colon_400(self):
        for raw, status in ((b"".join(b"H%d: v\r\n" % i for i in range(101)) + b"\r\n", 431),
                            (b"X: " + b"v" * 70000 + b"\r\n\r\n", 431),
                            (b"no colon here\r\n\r\n", 400),
                            (b"Bad Name : v\r\n\r\n", 400)):
            with self.assertRaises(serve.HeaderError) as caught:
                serve.read_headers(io.BytesIO(raw))
            self.assertEqual(status, caught.exception.status, raw[:30])


class RequestLineTest(ServerCase, unittest.TestCase):
    def exchange(self, port, raw, wait_close=True):
        """What the server answers to raw bytes (until it closes, or the first answer)."""
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        try:
            s.sendall(raw)
            chunks = []
            while True:
                data = s.recv(65536)
                if not data:
                    return b"".join(chunks), True
                chunks.append(data)
                if not wait_close and b"\r\n\r\n" in b"".join(chunks):
                    return b"".join(chunks), False
        except socket.timeout:
            return b"".join(chunks), False
        finally:
            s.close()

    def test_keep_alive_close_version_and_malformed_lines_are_answered_as_the_standard_library_did(self):
        p, port = self.start("echo")
        self.wait_ready(port, p)
        out, closed = self.exchange(port, b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n", wait_close=False)
        self.assertTrue(out.startswith(b"HTTP/1.1 200 "), out)
        self.assertFalse(closed, "HTTP/1.1 keeps the connection open")
        out, closed = self.exchange(port, b"GET /ping HTTP/1.1\r\nconnection: CLOSE\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 200 ") and closed, out)
        out, closed = self.exchange(port, b"GET /ping HTTP/1.0\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 200 ") and closed, "HTTP/1.0 closes: %r" % out)
        out, _ = self.exchange(port, b"GET /ping HTTP/2.0\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 505 "), out)
        out, _ = self.exchange(port, b"GET /ping HXXP/1.1\r\n\r\n")
        self.assertIn(b"Error code: 400", out, "an unknown version is answered as HTTP/0.9 (no status line)")
        out, _ = self.exchange(port, b"GET /ping HTTP/1.1\r\nbroken header\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400 "), out)
        out, _ = self.exchange(port, b"POST /invocations\r\n\r\n")
        self.assertIn(b"Error code: 400", out, "HTTP/0.9 allows GET only")

    def test_expect_100_continue_gets_the_interim_answer_then_the_result(self):
        p, port = self.start("echo")
        self.wait_ready(port, p)
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.addCleanup(s.close)
        s.sendall(b"POST /invocations HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 3\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        self.assertTrue(s.recv(1024).startswith(b"HTTP/1.1 100 "))
        s.sendall(b"[1]")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += s.recv(65536)
        self.assertTrue(answer.startswith(b"HTTP/1.1 200 "), answer)


if __name__ == "__main__":
    unittest.main()
