"""Every response says how long the server spent on it (Server-Timing), for developer tools, load
balancers and the benchmarks."""

import re


def test_every_response_carries_the_servers_own_time(client, agent):
    client.force_login(agent)
    for path in ("/", "/api/processes/definitions", "/no-such-page/"):
        response = client.get(path)
        assert re.fullmatch(r"app;dur=\d+\.\d", response["Server-Timing"]), path
