// Preloaded with `node --require` (through NODE_OPTIONS, so the inference child inherits it): every
// way Node opens a connection or resolves a name records the attempt and throws. The no-network test
// reads the record; a line with type 'loaded' proves the guard ran in each process.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const tls = require('node:tls');

const logFile = process.env.MEDSYNTH_NET_LOG;

function record(entry) {
  if (!logFile) return;
  fs.appendFileSync(logFile, `${JSON.stringify({ pid: process.pid, script: process.argv[1] || '', ...entry })}\n`);
}

function blocked(api) {
  return function blockedNetworkCall(...args) {
    const detail = args
      .slice(0, 2)
      .map((a) => (typeof a === 'string' || typeof a === 'number' ? String(a) : a && typeof a === 'object' ? JSON.stringify(a, ['host', 'hostname', 'port', 'path', 'href']) : typeof a))
      .join(' ');
    record({ type: 'attempt', api, detail, stack: new Error('network attempt').stack.split('\n').slice(2, 8).join('\n') });
    throw new Error(`network access is disabled in this test (${api})`);
  };
}

net.Socket.prototype.connect = blocked('net.Socket.connect');
dns.lookup = blocked('dns.lookup');
dns.resolve = blocked('dns.resolve');
dns.promises.lookup = blocked('dns.promises.lookup');
dns.promises.resolve = blocked('dns.promises.resolve');
http.request = blocked('http.request');
http.get = blocked('http.get');
https.request = blocked('https.request');
https.get = blocked('https.get');
tls.connect = blocked('tls.connect');
globalThis.fetch = blocked('fetch');
if (typeof globalThis.WebSocket === 'function') globalThis.WebSocket = blocked('WebSocket');

record({ type: 'loaded' });
