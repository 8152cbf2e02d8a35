"""ANSI/SIA DC-09 alarm-over-IP: frame building (senders, simulator, tests) and the receiver."""
