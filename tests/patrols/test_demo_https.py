"""`run_demo --https`: the certificate it makes (not the server): a server certificate issued by a
self-signed demo CA. The phone page's offline
mode needs a secure context, which is why the demo can serve HTTPS."""

import ipaddress
import ssl
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.management.base import CommandError

from huxiao.core.management.commands.run_demo import Command, ensure_certificate


def load(cert_path, key_path):
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return cert, key


def sans(cert):
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(names.get_values_for_type(x509.DNSName)), set(names.get_values_for_type(x509.IPAddress))


def test_certificate_names_key_and_use(tmp_path):
    cert_path, key_path, made = ensure_certificate(tmp_path, ["hx.school.local", "192.168.1.20"])
    assert made
    cert, key = load(cert_path, key_path)
    dns, ips = sans(cert)
    assert dns == {"localhost", "hx.school.local"}
    assert ips == {ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("192.168.1.20")}
    # the key is the certificate's, EC P-256, readable by its owner only
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    # a server certificate valid for at most 398 days, issued by the demo's self-signed CA
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ExtendedKeyUsageOID.SERVER_AUTH in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days <= 398
    ca = x509.load_pem_x509_certificate((tmp_path / "demo-ca.pem").read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    ca.verify_directly_issued_by(ca)
    cert.verify_directly_issued_by(ca)
    assert stat.S_IMODE((tmp_path / "demo-ca-key.pem").stat().st_mode) == 0o600
    # what uvicorn does with the pair, and what a phone trusting the CA does
    ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert_path, key_path)
    assert trusted_handshake(cert_path, key_path, tmp_path / "demo-ca.pem", "hx.school.local")


def trusted_handshake(cert_path, key_path, ca_path, name) -> bool:
    """A TLS handshake in memory: a client trusting only the demo CA verifies the server as ``name``."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert_path, key_path)
    client_ctx = ssl.create_default_context(cafile=str(ca_path))
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname=name)
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    done = {client: False, server: False}
    for _round in range(10):
        for side in (client, server):
            if not done[side]:
                try:
                    side.do_handshake()
                    done[side] = True
                except ssl.SSLWantReadError:
                    pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done.values()):
            return True
    return False


def test_made_once_and_again_for_a_new_name(tmp_path):
    first = ensure_certificate(tmp_path, ["hx.school.local"])
    pem = first[0].read_bytes()
    ca_pem = (tmp_path / "demo-ca.pem").read_bytes()
    again = ensure_certificate(tmp_path, ["hx.school.local"])
    assert again[2] is False and again[0].read_bytes() == pem  # kept
    assert ensure_certificate(tmp_path)[2] is False  # the demo's own names are in it too
    renewed = ensure_certificate(tmp_path, ["10.8.0.5"])
    assert renewed[2] is True and sans(load(renewed[0], renewed[1])[0])[1] == {
        ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.8.0.5")}
    assert (tmp_path / "demo-ca.pem").read_bytes() == ca_pem  # phones that trust the CA keep trusting the demo


@pytest.mark.parametrize("name", ["0.0.0.0", "hx school"])
def test_a_name_phones_cannot_use_is_refused(tmp_path, name):
    with pytest.raises(CommandError, match="证书名称无效"):
        ensure_certificate(tmp_path, [name])
    assert not any(tmp_path.iterdir())


def test_the_command_passes_the_pair_to_uvicorn(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    command = Command()
    base = {"https": True, "https_host": ["hx.school.local"]}
    tls, names = command._tls({**base, "host": "192.168.1.20"})
    assert tls == ["--ssl-keyfile", str(tmp_path / "https" / "demo-key.pem"),
                   "--ssl-certfile", str(tmp_path / "https" / "demo-cert.pem")]
    assert names == ["192.168.1.20", "hx.school.local"]  # the bound address is named too
    dns, ips = sans(load(tmp_path / "https" / "demo-cert.pem", tmp_path / "https" / "demo-key.pem")[0])
    assert "hx.school.local" in dns and ipaddress.ip_address("192.168.1.20") in ips
    assert command._tls({"https": False, "https_host": [], "host": "127.0.0.1"}) == ([], [])
    assert command._tls({**base, "host": "0.0.0.0"})[1] == ["hx.school.local"]
