// A client of casebook mock's notification channel written with the npm ws
// package, as a Node service would use it. notify_e2e_test.go runs it:
//
//   node check.mjs channel http://127.0.0.1:PORT   # pong, heartbeat, event
//   node check.mjs reset   http://127.0.0.1:PORT   # how an open channel ends
//
// It prints one JSON line of what it saw, with the milliseconds each step
// took (figures for the report; the Go test asserts what happened, not how
// fast), and exits 1 with a message on stderr if something never happens
// within the hang guard.
import WebSocket from "ws";

const [mode, base] = process.argv.slice(2);
const topic = "v2.users.agent-with-station.conversations.calls";
const hangGuard = setTimeout(() => fail("hang guard: the channel did not do what was expected within 60 s"), 60000);

function fail(msg) {
  console.error(msg);
  process.exit(1);
}

async function api(method, path, token, body) {
  const resp = await fetch(base + path, {
    method,
    headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  if (!resp.ok) fail(`${method} ${path}: ${resp.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function agentToken() {
  const resp = await fetch(base + "/oauth/token", {
    method: "POST",
    headers: {
      Authorization: "Basic " + Buffer.from("agent-client:agent-secret").toString("base64"),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  if (!resp.ok) fail(`token: ${resp.status} ${await resp.text()}`);
  return (await resp.json()).access_token;
}

const token = await agentToken();
const channel = await api("POST", "/api/v2/notifications/channels", token);
const ws = new WebSocket(channel.connectUri);
const seen = { connectUri: channel.connectUri, expires: channel.expires };
let opened;

ws.on("error", (err) => {
  if (mode === "channel") fail("websocket error: " + err.message);
});

ws.on("open", async () => {
  opened = Date.now();
  if (mode !== "channel") return;
  const subs = await api("PUT", `/api/v2/notifications/channels/${channel.id}/subscriptions`, token, [{ id: topic }]);
  seen.subscribed = subs.entities.map((e) => e.id);
  ws.send(JSON.stringify({ message: "ping" }));
});

// Events are kept as they come: the mock publishes the call's event while
// it answers the POST, so the event can arrive before the POST's answer.
let callId, callPlaced;
const events = [];
ws.on("message", async (data) => {
  const now = Date.now();
  const msg = JSON.parse(data.toString());
  const text = msg.eventBody && msg.eventBody.message;
  if (msg.topicName === "channel.metadata" && text === "pong" && seen.pongMs === undefined) {
    seen.pongMs = now - opened;
  } else if (msg.topicName === "channel.metadata" && text === "WebSocket Heartbeat" && seen.heartbeatMs === undefined) {
    seen.heartbeatMs = now - opened;
  } else if (msg.topicName === topic) {
    events.push({ at: now, msg });
  }
  if (mode === "channel" && seen.pongMs !== undefined && seen.heartbeatMs !== undefined && callPlaced === undefined) {
    callPlaced = Date.now();
    callId = (await api("POST", "/api/v2/conversations/calls", token, { phoneNumber: "+13175550123" })).id;
  }
  const got = callId && events.find((e) => e.msg.eventBody.id === callId);
  if (got) {
    seen.eventMs = got.at - callPlaced;
    seen.event = got.msg;
    finish();
  }
});

ws.on("close", (code, reason) => {
  if (mode !== "reset") return;
  seen.closeCode = code;
  seen.closeReason = reason.toString();
  seen.droppedMs = Date.now() - opened;
  finish();
});

function finish() {
  clearTimeout(hangGuard);
  console.log(JSON.stringify(seen));
  ws.terminate();
  process.exit(0);
}
