"""
The command line as a user meets it: an unknown command is an error with
or without --help; a command's --help is not; a bad VECHE_CLOCK is refused
with a message naming it and the forms it takes.
"""
import subprocess
import unittest

from harness import TEST_ENV, VECHE_BIN, Server


def run(*args, env=None):
    p = subprocess.run([VECHE_BIN] + list(args), capture_output=True,
                       timeout=60, env=env or TEST_ENV)
    return p.returncode, p.stdout.decode() + p.stderr.decode()


class TestCommands(unittest.TestCase):

    def test_unknown_command_is_an_error_even_with_help(self):
        for args in (("nosuch",), ("nosuch", "--help"), ("nosuch", "-h")):
            rc, out = run(*args)
            self.assertEqual(rc, 2, (args, out))
            self.assertIn("unknown command 'nosuch'", out)
            self.assertIn("serve", out)     # the list of commands follows

    def test_help_of_each_command(self):
        for cmd in ("serve", "city", "seed", "apikey", "user", "audit",
                    "deadlines", "webhook", "outbox", "export", "backup",
                    "restore"):
            rc, out = run(cmd, "--help")
            self.assertEqual(rc, 0, (cmd, out))
            self.assertIn("usage: veche " + cmd, out)

    def test_bad_clock_is_refused(self):
        for value in ("tomorrow", "@-5", "2026-13-01T00:00:00Z",
                      "file:/nonexistent/clock"):
            rc, out = run("audit", "verify", "--db", ":memory:",
                          env=dict(TEST_ENV, VECHE_CLOCK=value))
            self.assertEqual(rc, 2, (value, out))
            self.assertIn("VECHE_CLOCK", out)

    def test_deadlines_scan_under_the_lease(self):
        # The scan takes the scanner's lease, which SQLite grants to every
        # process (one server per file); PostgreSQL's refusal is tested
        # with two stores (unit/test_sql, test_scan_lease_pg).  The help
        # says what a refusal looks like.
        s = Server()
        try:
            rc, out = run("deadlines", "scan", "--db", s.db, env=s.env)
        finally:
            s.cleanup()
        self.assertEqual(rc, 0, out)
        self.assertIn("0 deadline notices emitted", out)
        rc, out = run("deadlines", "--help")
        self.assertEqual(rc, 0, out)
        self.assertIn("with status 3 when another", out)


if __name__ == "__main__":
    unittest.main()
