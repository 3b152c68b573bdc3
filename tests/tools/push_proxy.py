#!/usr/bin/env python3
"""push_proxy.py LISTEN_PORT TARGET_PORT [LOG [DIE_AT]]: a loopback TCP proxy between `pushsim push` and `pushsim serve`.

Listens on 127.0.0.1:LISTEN_PORT (0: any free port), prints the port it listens on as one line, and copies bytes
both ways to 127.0.0.1:TARGET_PORT. Killing it takes the instance away (connections reset, new ones refused)
while the server keeps its state; starting it again on the same port brings the instance back. With LOG, every
byte the client sends is appended to that file (to tell what reached the instance: request lines, headers).
With DIE_AT=K > 0, the proxy exits the moment the client's K-th HTTP request arrives (counted over all
connections), before passing it on: the instance goes away exactly at that request.
"""
import os
import re
import socket
import sys
import threading

REQUEST_LINE = re.compile(rb"(GET|POST|PATCH|PUT|DELETE) /")
die_at = 0
requests_seen = 0
count_lock = threading.Lock()


def count_requests(data):
    """Counts the request lines in data; exits the process at the die_at-th."""
    global requests_seen
    if die_at <= 0:
        return
    with count_lock:
        requests_seen += len(REQUEST_LINE.findall(data))
        if requests_seen >= die_at:
            os._exit(0)


def pipe(src, dst, log=None):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if log:
                with open(log, "ab") as f:
                    f.write(data)
                count_requests(data)
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(client, target_port, log):
    try:
        upstream = socket.create_connection(("127.0.0.1", target_port), timeout=10)
        upstream.settimeout(None)
    except OSError:
        client.close()
        return
    threading.Thread(target=pipe, args=(client, upstream, log), daemon=True).start()
    pipe(upstream, client)


def main():
    listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
    global die_at
    log = sys.argv[3] if len(sys.argv) > 3 else None
    die_at = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", listen_port))
    ls.listen(64)
    print(ls.getsockname()[1], flush=True)
    while True:
        client, _ = ls.accept()
        threading.Thread(target=serve, args=(client, target_port, log), daemon=True).start()


if __name__ == "__main__":
    main()
