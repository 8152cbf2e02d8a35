"""A minimal DC-09 sender (no Django needed), for trying a receiver by hand:

    python -m huxiao.alarms.dc09.sender --host 127.0.0.1 --port 12128 --account 1001 --code BA --area 1 --zone 004

SIA-DCS is written as DC-03 has it, ``#acct|Nri<area>/<code><zone>`` (``frames.build``).
"""

import argparse
import random
import socket

from huxiao.alarms.dc09.frames import build, parse_response


def send(host: str, port: int, data: bytes, timeout: float = 5.0) -> str:
    """Send one frame over TCP and return the receiver's answer (ACK, NAK, DUH or '')."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        while not answer.endswith(b"\r"):
            chunk = sock.recv(1024)
            if not chunk:
                break
            answer += chunk
    return parse_response(answer)


def main():
    parser = argparse.ArgumentParser(description="发送一条 SIA DC-09 报文")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12128)
    parser.add_argument("--account", default="1001")
    parser.add_argument("--key", default="", help="AES 密钥（加密账号）：32/48/64 位十六进制数字")
    parser.add_argument("--key-form", default="hex", choices=["hex", "chars"], help="密钥格式：hex 或 chars（旧式）")
    parser.add_argument("--token", default="SIA-DCS", choices=["SIA-DCS", "ADM-CID", "NULL"])
    parser.add_argument("--code", default="PA")
    parser.add_argument("--zone", default="1", help="防区（开/撤防时为用户号）")
    parser.add_argument("--area", default="", help="分区（SIA ri）")
    parser.add_argument("--seq", type=int, default=None)
    args = parser.parse_args()
    frame = build(args.account, seq=args.seq if args.seq is not None else random.randint(1, 9999), code=args.code,
                  zone=args.zone, area=args.area, token=args.token, key=args.key, key_form=args.key_form)
    print(frame)
    print(send(args.host, args.port, frame) or "（无应答）")


if __name__ == "__main__":
    main()
