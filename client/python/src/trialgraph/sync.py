"""trialgraph-sync: delivers what metric loggers left in their spool (offline runs, processes
that ended or were killed before the server acknowledged everything), exactly once."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import List, Optional

from .client import Client
from .connection import Connection
from .errors import TrialGraphError
from .logger import MetricLogger
from .spool import default_spool_dir, is_locked, writer_dirs


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="trialgraph-sync",
        description="Deliver the metric points (and offline trackers' records) that loggers left in their spool. "
                    "Each spool is replayed in order with its writer id and sequence numbers, so points the server "
                    "already has are not stored twice. Connection settings as the trialgraph command line "
                    "(TRIALGRAPH_TARGET, TRIALGRAPH_TOKEN, TRIALGRAPH_TLS, TRIALGRAPH_CA_CERT, ...).")
    parser.add_argument("writers", nargs="*", help="writer ids to deliver (default: every spool not in use)")
    parser.add_argument("--spool-dir", default=None, help=f"the spool folder (default: {default_spool_dir()})")
    parser.add_argument("--list", action="store_true", help="list the spools and what they hold; send nothing")
    parser.add_argument("--target", help="host:port of the server (TRIALGRAPH_TARGET, default localhost:50051)")
    parser.add_argument("--token", help="bearer token (TRIALGRAPH_TOKEN)")
    parser.add_argument("--tls", action="store_true", default=None, help="connect with TLS (TRIALGRAPH_TLS=true)")
    parser.add_argument("--plaintext", action="store_true", help="connect without TLS (TRIALGRAPH_TLS=false)")
    parser.add_argument("--ca-cert", help="PEM file of the CAs to trust (TRIALGRAPH_CA_CERT)")
    parser.add_argument("--client-cert", help="PEM client certificate, mutual TLS (TRIALGRAPH_CLIENT_CERT)")
    parser.add_argument("--client-key", help="PEM client key, mutual TLS (TRIALGRAPH_CLIENT_KEY)")
    parser.add_argument("--allow-token-over-plaintext", action="store_true", default=None)
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds to wait for each spool's acknowledgements (default: as long as it takes)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    root = os.path.abspath(args.spool_dir or default_spool_dir())
    folders = writer_dirs(root)
    named = {}
    for folder in folders:
        with open(os.path.join(folder, "writer"), encoding="utf-8") as f:
            named[f.read().strip()] = folder
    if args.writers:
        missing = [w for w in args.writers if w not in named]
        if missing:
            print(f"error: NOT_FOUND: no spool of writer {', '.join(repr(m) for m in missing)} in {root}",
                  file=sys.stderr)
            return 1
        chosen = [(w, named[w]) for w in args.writers]
    else:
        chosen = list(named.items())
    if args.list:
        if not chosen:
            print(f"no spool in {root}")
        for writer, folder in chosen:
            size = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder) if n.endswith(".tgspool"))
            state = "in use by a live process" if is_locked(folder) else "ready"
            print(f"{writer}\t{size} bytes\t{state}\t{folder}")
        return 0
    if not chosen:
        print(f"nothing to deliver: no spool in {root}")
        return 0
    try:
        connection = Connection.from_environment(
            target=args.target, token=args.token, tls=False if args.plaintext else args.tls, ca_cert=args.ca_cert,
            client_cert=args.client_cert, client_key=args.client_key,
            allow_token_over_plaintext=args.allow_token_over_plaintext, offline=False)
    except TrialGraphError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    client = Client(connection=connection)
    failures = 0
    for writer, folder in chosen:
        if is_locked(folder):
            print(f"skipped {writer}: its logger is still running ({folder} is locked)")
            continue
        try:
            logger = MetricLogger(client, writer_id=writer, spool_dir=root, offline=False)
        except TrialGraphError as e:
            print(f"error: {writer}: {e}", file=sys.stderr)
            failures += 1
            continue
        found = logger.stats().recovered_points
        try:
            left = logger.close(args.timeout)
        except TrialGraphError as e:
            print(f"error: {writer}: {e}", file=sys.stderr)
            failures += 1
            continue
        s = logger.stats()
        if left:
            print(f"error: {writer}: {left} of {found} points not acknowledged by {connection.target}; "
                  f"they stay in {folder}", file=sys.stderr)
            failures += 1
            continue
        print(f"delivered {writer}: {found} points, {s.stored_points} newly stored "
              f"({found - s.stored_points - s.rejected_points} were stored before), "
              f"{s.rejected_batches} batches or calls rejected")
        if s.rejected_batches:
            failures += 1
    client.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
