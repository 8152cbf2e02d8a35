"""Serve the product on one machine: uvicorn (HTTP + WebSocket), the Huey worker, and every background
process the domain apps declare (``PROCESSES`` in their demo.py, e.g. the alarm receiver).

``--no-worker``: no Huey consumer; every process runs its tasks where it queues them (HUXIAO_NO_WORKER) and
this process runs the core clock in a thread of its own (the consumer's periodic task otherwise).

A process that exits is started again, as systemd's ``Restart=always`` does in production (a receiver
killed in the middle of a burst is back within a second, and the panels' retries find it); one that
keeps exiting (RESTART_LIMIT times within RESTART_WINDOW seconds, e.g. its port is taken) stops the
demo with an error.

``--https``: serve over TLS with a local certificate for 127.0.0.1, localhost, the ``--host`` address and
``--https-host`` (a name or address phones use to reach this machine), made once under ``var/https/``
with the ``cryptography`` library (and made again only when a name is missing from it), issued by a
self-signed demo CA made once beside it (``demo-ca.pem``, what a phone installs to trust the demo).
Service workers (the phone page's offline mode) run only in a secure context; install the certificate on
a phone to try it there (docs/deploy.md: HTTPS with an intranet CA, for production)."""

import datetime
import ipaddress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from huxiao.core.demo import DEMO_PASSWORD, DEMO_USERS
from huxiao.core.discovery import app_modules

RESTART_LIMIT = 5
RESTART_WINDOW = 30.0
CERT_DAYS = 397  # browsers refuse server certificates valid for longer (Apple: 398 days)
DEMO_NAMES = ("localhost", "127.0.0.1")


def _general_name(name: str):
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def certificate_names(path: Path) -> set[str]:
    """The names (DNS names and IP addresses, as text) a PEM certificate is valid for."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(path.read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(n) for n in sans.get_values_for_type(x509.DNSName)} | {
        str(n) for n in sans.get_values_for_type(x509.IPAddress)}


def _write_key(path: Path, key) -> None:
    from cryptography.hazmat.primitives import serialization

    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, 0o600)


def _key_usage(**allowed):
    from cryptography import x509

    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{n: allowed.get(n, False) for n in names})


def _demo_ca(directory: Path, now):
    """The demo's own CA (made once, ten years): install ``demo-ca.pem`` on a phone to trust the demo."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path, key_path = directory / "demo-ca.pem", directory / "demo-ca-key.pem"
    if cert_path.exists() and key_path.exists():
        return (x509.load_pem_x509_certificate(cert_path.read_bytes()),
                serialization.load_pem_private_key(key_path.read_bytes(), password=None))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "护校安园演示"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "护校安园演示根证书（仅供演示）")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def ensure_certificate(directory: Path, extra_names=()) -> tuple[Path, Path, bool]:
    """``(certificate, key, made)``: the demo's TLS server certificate under ``directory`` for localhost,
    127.0.0.1 and ``extra_names``, issued by the demo's own CA (``demo-ca.pem``, made once, so a phone
    that trusts it keeps trusting the demo); kept when it already names them all and is valid for another
    week, made again otherwise. Keys (EC P-256) are readable by their owner only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    names = list(dict.fromkeys([*DEMO_NAMES, *(n.strip() for n in extra_names if n and n.strip())]))
    for name in names:
        if name in ("0.0.0.0", "::") or any(c.isspace() for c in name):
            raise CommandError(f"证书名称无效：{name!r}（请填写手机访问本机所用的 IP 地址或域名）")
    cert_path, key_path = directory / "demo-cert.pem", directory / "demo-key.pem"
    now = datetime.datetime.now(datetime.UTC)
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if set(names) <= certificate_names(cert_path) and cert.not_valid_after_utc > now + datetime.timedelta(days=7):
            return cert_path, key_path, False
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = _demo_ca(directory, now)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "护校安园演示"),
                         x509.NameAttribute(NameOID.COMMON_NAME, names[-1] if len(names) > 2 else "localhost")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
            .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path, True


class Command(BaseCommand):
    help = "启动演示服务（网页、WebSocket、后台任务及各业务进程）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--dc09-port", type=int, default=12128)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--no-worker", action="store_true",
                            help="不启动后台任务进程：任务在发起它的进程内执行，时钟在本进程内运行")
        parser.add_argument("--https", action="store_true",
                            help="以 HTTPS 提供服务（自签名证书，首次运行时生成于 var/https/）；手机离线模式需要安全连接")
        parser.add_argument("--https-host", action="append", default=[], metavar="NAME",
                            help="证书中另加的域名或 IP 地址（手机访问本机所用的，可重复）")

    def _app_processes(self, options):
        procs = []
        for _app, module in app_modules("demo"):
            for argv in getattr(module, "PROCESSES", []):
                procs.append([a.format(python=sys.executable, **options) for a in argv])
        return procs

    def _tls(self, options) -> tuple[list, list]:
        """uvicorn's TLS arguments and the extra host names (none without ``--https``)."""
        if not options["https"]:
            return [], []
        names = list(options["https_host"])
        if options["host"] not in ("0.0.0.0", "::", *DEMO_NAMES):
            names.insert(0, options["host"])
        cert, key, made = ensure_certificate(Path(settings.VAR_DIR) / "https", names)
        self.stdout.write(("已生成" if made else "使用已有的") + f"演示证书：{cert}（可用于 "
                          f"{'、'.join(sorted(certificate_names(cert)))}）；在手机上安装 {cert.parent / 'demo-ca.pem'} "
                          "并设为信任后，手机离线模式可用")
        return ["--ssl-keyfile", str(key), "--ssl-certfile", str(cert)], names

    def handle(self, *args, **options):
        no_worker = options["no_worker"]
        tls, names = self._tls(options)
        commands = [
            [sys.executable, "-m", "uvicorn", "huxiao.asgi:application", "--host", options["host"],
             "--port", str(options["port"]), "--workers", str(options["workers"]), "--no-access-log", *tls],
            *([] if no_worker else [[sys.executable, "manage.py", "run_huey"]]),
            *self._app_processes(options),
        ]
        env = dict(os.environ, **({"HUXIAO_NO_WORKER": "1"} if no_worker else {}))
        if names and "ALLOWED_HOSTS" not in os.environ:  # the names phones use must be served
            env["ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, *names])
        children = [subprocess.Popen(cmd, env=env) for cmd in commands]
        if no_worker:
            from huey.contrib.djhuey import HUEY

            from huxiao.core import clock

            HUEY.immediate = True  # what the clock's handlers queue runs here
            clock.start_thread()
        scheme = "https" if tls else "http"
        shown = names[0] if names else options["host"]
        self.stdout.write(self.style.SUCCESS(f"\n护校安园演示已启动：{scheme}://{shown}:{options['port']}/"))
        self.stdout.write(f"DC-09 报警接收端口：{options['host']}:{options['dc09_port']} (TCP/UDP，演示账号 1001，不加密)")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, _unit in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {full_name:<6} {role.label}")
        self.stdout.write("按 Ctrl+C 停止。")

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exits = [[] for _ in commands]  # monotonic times of each process's recent exits
        while True:
            for i, cmd in enumerate(commands):
                code = children[i].poll()
                if code is None:
                    continue
                now = time.monotonic()
                exits[i] = [t for t in exits[i] if now - t < RESTART_WINDOW] + [now]
                if len(exits[i]) >= RESTART_LIMIT:
                    self.stderr.write(f"进程反复退出（{code}），演示停止：{' '.join(cmd)}")
                    stop()
                self.stderr.write(f"进程已退出（{code}），正在重新启动：{' '.join(cmd)}")
                children[i] = subprocess.Popen(cmd, env=env)
            time.sleep(0.5)
