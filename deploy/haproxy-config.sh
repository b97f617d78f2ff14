#!/usr/bin/env bash
# Prints the HAProxy configuration of the local run: REPLICAS AuthApi and ModeratorUi replicas (on API_PORT+i and
# UI_PORT+i) behind API_PORT and UI_PORT, round-robin, no sticky sessions, health checks on /readyz.
# Usage: haproxy-config.sh REPLICAS API_PORT UI_PORT STATS_SOCKET
set -euo pipefail
replicas="$1" api_port="$2" ui_port="$3" socket="$4"

cat <<CFG
global
    maxconn 4096
    stats socket $socket mode 600 level admin

defaults
    mode http
    option forwardfor
    timeout connect 2s
    timeout client 60s
    # A request (headers and, with http-buffer-request, its body) must arrive within this: a slow client cannot hold a slot.
    timeout http-request 10s
    timeout server 60s
    # A replica that refuses the connection: the request goes to another. One that dies before answering (killed, crashed):
    # a request that is safe to send twice goes to another too (see the backends); any other gets a 502. Whole requests
    # are read first, so that there is one to send again (a request over tune.bufsize, 16 KB, is never sent again).
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response
    option http-buffer-request
    # Readiness: a replica that cannot reach PostgreSQL, or is gone, stops getting requests within about 2 s.
    option httpchk GET /readyz
    default-server check inter 1s fastinter 500ms downinter 500ms fall 2 rise 1
    # No replica ready (PostgreSQL down, all replicas gone): fail fast, and say when to come back.
    http-error status 503 content-type "application/problem+json" string "{\"title\":\"Service unavailable\",\"status\":503,\"detail\":\"No instance can answer right now. Try again shortly.\"}" hdr Retry-After 5

frontend authapi
    bind 127.0.0.1:$api_port
    # X-Forwarded-Proto and -Host say what HAProxy saw, never what the client wrote: the apps believe these headers from
    # HAProxy (a trusted proxy), so a client's own would otherwise pass as HAProxy's word.
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }
    http-request del-header X-Forwarded-Host
    http-request set-header X-Forwarded-Host %[req.hdr(host)] if { req.hdr(host) -m found }
    http-request del-header Forwarded
    default_backend authapi

frontend moderatorui
    bind 127.0.0.1:$ui_port
    # X-Forwarded-Proto and -Host say what HAProxy saw, never what the client wrote: the apps believe these headers from
    # HAProxy (a trusted proxy), so a client's own would otherwise pass as HAProxy's word.
    http-request set-header X-Forwarded-Proto https if { ssl_fc }
    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }
    http-request del-header X-Forwarded-Host
    http-request set-header X-Forwarded-Host %[req.hdr(host)] if { req.hdr(host) -m found }
    http-request del-header Forwarded
    default_backend moderatorui

backend authapi
    balance roundrobin
    # Sent again after a replica died with it: reads, and joins (the same user and key get the same token).
    acl join path_reg ^/api/experiments/join(/[0-9]+/?)?\$ ^/api/v1/experiments/[^/]+/[^/]+/join\$
    http-request disable-l7-retry unless METH_GET || METH_HEAD || METH_OPTIONS || join
    http-response set-header X-Served-By %s
CFG
for i in $(seq 1 "$replicas"); do echo "    server api$i 127.0.0.1:$((api_port + i))"; done
cat <<CFG

backend moderatorui
    balance roundrobin
    # Pages are sent again after a replica died with them; a form post is not.
    http-request disable-l7-retry unless METH_GET || METH_HEAD || METH_OPTIONS
    http-response set-header X-Served-By %s
CFG
for i in $(seq 1 "$replicas"); do echo "    server ui$i 127.0.0.1:$((ui_port + i))"; done
