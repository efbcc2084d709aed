"""
Connection limits over real sockets (docs/http.md): the connections one
address may hold, and the deadlines for a request's headers and body that
a client trickling bytes cannot push back.

Linux routes all of 127.0.0.0/8 to the loopback, so a client socket bound
to 127.0.0.2 is another address than one bound to 127.0.0.3.
"""
import http.client
import select
import socket
import time
import unittest

from harness import REQUEST_TIMEOUT, ServerTestCase

CLOSE_WAIT = 20          # seconds to await a close we expect (ASan is slow)


def connect(port, source):
    s = socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT,
                                 source_address=(source, 0))
    return s


def get_from(port, source, path="/open311/v2/services.json"):
    """GET path from a client bound to source; the response status."""
    conn = http.client.HTTPConnection("127.0.0.1", port,
                                      timeout=REQUEST_TIMEOUT,
                                      source_address=(source, 0))
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        return r.status
    finally:
        conn.close()


def closed_by_server(sock, timeout=CLOSE_WAIT, trickle=None, every=0.2):
    """Wait until the server closes sock (EOF or reset), sending trickle
    every `every` seconds meanwhile.  Returns the seconds it took, or None
    if it stayed open for timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if trickle is not None:
            try:
                sock.sendall(trickle)
            except OSError:
                return time.monotonic() - start
        ready, _, _ = select.select([sock], [], [], every)
        if ready:
            try:
                data = sock.recv(4096)
            except OSError:
                return time.monotonic() - start
            if data == b"":
                return time.monotonic() - start
    return None


class TestPerAddressLimit(ServerTestCase):
    serve_args = ("--max-conn-per-address", "4")

    def test_excess_from_one_address_refused_other_served(self):
        port = self.server.port
        # Each of four connections is answered once and then held idle
        # (keep-alive): an answer shows the server accepted and counted
        # it, so the fifth below is the fifth the server sees.  (A bare
        # connect() only shows the kernel's handshake: under load the
        # server could still be accepting the fourth when the fifth came.)
        held = []
        for _ in range(4):
            conn = http.client.HTTPConnection("127.0.0.1", port,
                                              timeout=REQUEST_TIMEOUT,
                                              source_address=("127.0.0.2", 0))
            held.append(conn)
            conn.request("GET", "/open311/v2/services.json")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
        try:
            # Four idle connections are held open...
            for c in held:
                ready, _, _ = select.select([c.sock], [], [], 0)
                self.assertEqual(ready, [])
            # ...the fifth from the same address is closed at once,
            extra = connect(port, "127.0.0.2")
            try:
                extra.sendall(b"GET /open311/v2/services.json HTTP/1.1\r\n"
                              b"Host: x\r\n\r\n")
            except OSError:
                pass
            self.assertIsNotNone(closed_by_server(extra),
                                 "a fifth connection from 127.0.0.2 was "
                                 "kept")
            extra.close()
            # ...while another address is served.
            self.assertEqual(get_from(port, "127.0.0.3"), 200)
        finally:
            for s in held:
                s.close()
        # Once they are gone, the address is served again.
        deadline = time.monotonic() + CLOSE_WAIT
        while True:
            try:
                if get_from(port, "127.0.0.2") == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            self.assertLess(time.monotonic(), deadline,
                            "127.0.0.2 never served again")
            time.sleep(0.05)


class TestDeadlines(ServerTestCase):
    serve_args = ("--header-timeout", "1", "--body-timeout", "2")

    def trickle(self, opening, drip):
        """Send opening from 127.0.0.2, then drip every 0.2 s (so that an
        idle timeout never fires) until the server closes the connection.
        Returns the seconds that took (fails if it never did)."""
        s = connect(self.server.port, "127.0.0.2")
        try:
            s.sendall(opening)
            took = closed_by_server(s, trickle=drip)
        finally:
            s.close()
        self.assertIsNotNone(took, "a trickle of bytes kept the "
                             "connection open")
        return took

    def test_slow_headers_closed_at_the_header_deadline(self):
        took = self.trickle(b"GET /open311/v2/services.json HTTP/1.1\r\n",
                            b"X-Slow: 1\r\n")
        self.assertGreaterEqual(took, 0.9)
        # Another address was served all along.
        self.assertEqual(get_from(self.server.port, "127.0.0.3"), 200)

    def test_slow_body_closed_at_the_body_deadline(self):
        took = self.trickle(
            b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\n", b"a")
        self.assertGreaterEqual(took, 1.9)

    def test_keep_alive_may_wait_longer_than_the_header_deadline(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                          timeout=REQUEST_TIMEOUT)
        try:
            conn.request("GET", "/open311/v2/services.json")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            sock = conn.sock
            # Idle past the header deadline, within the idle timeout.
            self.assertIsNone(closed_by_server(sock, timeout=1.5))
            conn.request("GET", "/open311/v2/services.json")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            self.assertIs(conn.sock, sock, "the connection was not kept")
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
