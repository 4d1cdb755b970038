// Shared by the end-to-end scripts (screening.js, playback.js): drives the
// running skill through virtual-alexa, an Alexa simulator that knows nothing
// about this project's code. It reads the interaction model, turns phrases
// into intents the way Alexa would (literally, from the samples), POSTs real
// request envelopes to the skill's URL and, for AudioPlayer directives, acts
// as the device's player: it sends AudioPlayer.PlaybackStarted when a Play
// directive arrives, PlaybackStopped when it is stopped, and so on.
//
// A script defines named scenarios, each a list of steps, and calls main().
// Each step is one thing the person (or the device's player) does:
//   {launch: true}          "Alexa, open gentle back guide"
//   {say: "phrase"}         a phrase, matched against the model's samples
//   {intend: "Name"}        an intent sent directly (slots: {name: value})
//   {endSession: true}      the person walks away: an open session ends with
//                           a SessionEndedRequest; if the skill already ended
//                           it, Alexa sends nothing, and neither does this
//   {player: "event"}       the player reports on its own: nearlyFinished,
//                           finished or stopped
// Any step may carry `at: ms`, how far the player has got into the current
// clip when the step happens (the simulator's clock never moves on its own).
//
// Prints one JSON object per step, one per line, on stdout:
//   {"scenario", "session", "turn", "kind", "sent", "requestType", "intent",
//    "request", "ssml", "reprompt", "shouldEndSession", "directives",
//    "events", "player", "sessionOpen"}
// where "request" is the request the step made (null if none was sent),
// "directives" what the skill answered to it, "events" the AudioPlayer
// requests the simulator sent by itself during the step, in the order sent
// (each with "sentBefore", true if it went out before the step's request, and
// the directives it got back), and "player" the simulated player afterwards.
// Exits non-zero, with a message on stderr, if anything goes wrong.

"use strict";

const fs = require("fs");
const path = require("path");

const APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000";
const LOCALE = "en-US";
// No request should take long; a hung server must not hang the test run.
const WATCHDOG_MS = Number(process.env.E2E_TIMEOUT_MS || 60000);
// virtual-alexa's AudioPlayerActivity enum, by value (virtual-alexa 0.7.8).
const ACTIVITIES = ["BUFFER_UNDERRUN", "FINISHED", "IDLE", "PLAYING", "PAUSED", "STOPPED"];

let scriptName = "e2e";

function fail(message) {
  process.stderr.write(`${scriptName}: ${message}\n`);
  process.exit(1);
}

function describeError(error) {
  if (error instanceof Error) {
    return error.stack || error.message;
  }
  return typeof error === "string" ? error : JSON.stringify(error);
}

function loadVirtualAlexa() {
  // virtual-alexa pulls in aws-sdk v2, whose end-of-support notice is noise here.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";
  try {
    return require("virtual-alexa").VirtualAlexa;
  } catch (error) {
    fail("cannot load virtual-alexa (run `make test`, or `npm ci`, at the repository root): "
      + describeError(error));
  }
  return undefined;
}

function parseArgs(argv, env, scenarios, defaultScenario) {
  const [url = env.SKILL_URL, model = env.MODEL_PATH,
    scenario = env.SCENARIO || defaultScenario] = argv;
  if (!url || !model) {
    fail(`usage: node tests/e2e/${scriptName} SKILL_URL MODEL_PATH [SCENARIO]`
      + " (or set SKILL_URL and MODEL_PATH)");
  }
  if (!/^https?:\/\//.test(url)) {
    fail(`the skill URL must start with http:// or https://, got ${JSON.stringify(url)}`);
  }
  const modelPath = path.resolve(model);
  if (!fs.existsSync(modelPath)) {
    fail(`no interaction model at ${modelPath}`);
  }
  if (!Object.prototype.hasOwnProperty.call(scenarios, scenario)) {
    fail(`unknown scenario ${JSON.stringify(scenario)};`
      + ` expected one of ${Object.keys(scenarios).join(", ")}`);
  }
  return {url, modelPath, scenario};
}

const PLAYER_EVENTS = {
  nearlyFinished: (player) => player.playbackNearlyFinished(),
  finished: (player) => player.playbackFinished(),
  stopped: (player) => player.playbackStopped(),
};

function describeStep(step) {
  if (step.launch) return {kind: "launch", sent: "open gentle back guide"};
  if (step.say !== undefined) return {kind: "utter", sent: step.say};
  if (step.intend !== undefined) return {kind: "intend", sent: step.intend};
  if (step.endSession) return {kind: "endSession", sent: "(session ends)"};
  if (PLAYER_EVENTS[step.player]) return {kind: "player", sent: step.player};
  throw new Error(`unknown step ${JSON.stringify(step)}`);
}

function send(alexa, step) {
  if (step.launch) return alexa.launch();
  if (step.say !== undefined) return alexa.utter(step.say);
  if (step.intend !== undefined) return alexa.intend(step.intend, step.slots);
  if (step.endSession) {
    return alexa.context().activeSession() ? alexa.endSession() : Promise.resolve(null);
  }
  return PLAYER_EVENTS[step.player](alexa.audioPlayer());
}

function isAudioEvent(json) {
  return /^AudioPlayer\./.test(json.request.type || "");
}

// Each slot said: {name: {value, id}}, id being the value entity resolution matched.
function summarizeSlots(intent) {
  const slots = {};
  for (const [name, slot] of Object.entries((intent && intent.slots) || {})) {
    if (slot.value === undefined) continue;
    const authorities = (slot.resolutions && slot.resolutions.resolutionsPerAuthority) || [];
    const match = authorities.find((a) => a.status && a.status.code === "ER_SUCCESS_MATCH");
    slots[name] = {value: slot.value, id: match ? match.values[0].value.id : null};
  }
  return slots;
}

function summarizeRequest(json) {
  const request = json.request;
  const player = (json.context && json.context.AudioPlayer) || null;
  return {
    type: request.type || null,
    intent: (request.intent && request.intent.name) || null,
    slots: summarizeSlots(request.intent),
    token: request.token === undefined ? null : request.token,
    offset: request.offsetInMilliseconds === undefined ? null : request.offsetInMilliseconds,
    sessionId: (json.session && json.session.sessionId) || null,
    newSession: json.session ? Boolean(json.session.new) : null,
    audioPlayer: player && {
      playerActivity: player.playerActivity || null,
      token: player.token === undefined ? null : player.token,
      offset: player.offsetInMilliseconds === undefined ? null : player.offsetInMilliseconds,
    },
  };
}

function summarizeDirectives(response) {
  const directives = (response && response.response && response.response.directives) || [];
  return directives.map((directive) => {
    const stream = (directive.audioItem && directive.audioItem.stream) || {};
    return {
      type: directive.type,
      playBehavior: directive.playBehavior || null,
      token: stream.token || null,
      url: stream.url || null,
      offset: stream.offsetInMilliseconds === undefined ? null : stream.offsetInMilliseconds,
      expectedPreviousToken: stream.expectedPreviousToken || null,
    };
  });
}

function playerState(player) {
  const item = player.playing();
  const stream = (item && item.stream) || {};
  return {
    activity: ACTIVITIES[player.playerActivity()] || String(player.playerActivity()),
    token: stream.token || null,
    url: stream.url || null,
    offset: stream.offsetInMilliseconds === undefined ? null : stream.offsetInMilliseconds,
    expectedPreviousToken: stream.expectedPreviousToken || null,
  };
}

// The simulator hands back only the response to the call that was made; the
// requests its player sends by itself (PlaybackStarted after a Play, the
// PlaybackStopped it sends before any intent while audio plays) are answered
// out of sight, and some of them are not even awaited. Logging every exchange
// at the interactor shows them all, and lets each step wait for the last one.
function recordExchanges(alexa) {
  const interactor = alexa.interactor();
  const invoke = interactor.invoke.bind(interactor);
  const log = [];
  const pending = new Set();
  interactor.invoke = (json) => {
    const exchange = {request: json, response: null};
    log.push(exchange);
    const answer = invoke(json).then((response) => {
      exchange.response = response;
      return response;
    });
    const settled = answer.then(() => undefined, () => undefined);
    pending.add(settled);
    settled.then(() => pending.delete(settled));
    return answer;
  };
  return {
    log,
    async settle() {
      while (pending.size > 0) {
        await Promise.all([...pending]);
      }
    },
  };
}

async function run(scenarios, {url, modelPath, scenario}) {
  const VirtualAlexa = loadVirtualAlexa();
  const alexa = VirtualAlexa.Builder()
    .skillURL(url)
    .interactionModelFile(modelPath)
    .applicationID(APPLICATION_ID)
    .locale(LOCALE)
    .create();
  const exchanges = recordExchanges(alexa);
  const sessions = new Map();  // sessionId -> 1, 2, ...

  let session = 0;
  let turn = 0;
  for (const step of scenarios[scenario]) {
    const {kind, sent} = describeStep(step);
    turn += 1;
    if (step.at !== undefined) {
      if (!alexa.audioPlayer().isPlaying()) {
        throw new Error(`turn ${turn}: "at" given, but nothing is playing`);
      }
      alexa.audioPlayer().playbackOffset(step.at);
    }
    const first = exchanges.log.length;
    try {
      await send(alexa, step);
      await exchanges.settle();
    } catch (error) {
      throw new Error(`turn ${turn} (${kind} ${JSON.stringify(sent)}) failed: `
        + describeError(error));
    }
    const during = exchanges.log.slice(first);
    // The step's own request: for the person, the one that is not the
    // player's; for the player, the first event it sent.
    const own = kind === "player" ? during[0]
      : during.find((exchange) => !isAudioEvent(exchange.request));
    const request = own ? summarizeRequest(own.request) : null;
    if (request && request.sessionId) {
      if (!sessions.has(request.sessionId)) sessions.set(request.sessionId, sessions.size + 1);
      session = sessions.get(request.sessionId);
    }
    const body = (own && own.response && own.response.response) || {};
    const speech = body.outputSpeech || {};
    const record = {
      scenario,
      session,
      turn,
      kind,
      sent,
      requestType: request ? request.type : null,
      intent: request ? request.intent : null,
      request,
      ssml: speech.ssml || speech.text || "",
      reprompt: Boolean(body.reprompt && body.reprompt.outputSpeech),
      shouldEndSession: body.shouldEndSession === undefined ? null : body.shouldEndSession,
      directives: own ? summarizeDirectives(own.response) : [],
      events: during.filter((exchange) => exchange !== own).map((exchange) => ({
        ...summarizeRequest(exchange.request),
        sentBefore: during.indexOf(exchange) < during.indexOf(own),
        directives: summarizeDirectives(exchange.response),
      })),
      player: playerState(alexa.audioPlayer()),
      sessionOpen: alexa.context().activeSession(),
    };
    process.stdout.write(JSON.stringify(record) + "\n");
  }
}

function main(name, scenarios, defaultScenario) {
  scriptName = name;
  process.on("unhandledRejection", (error) => fail(`unhandled rejection: ${describeError(error)}`));
  const options = parseArgs(process.argv.slice(2), process.env, scenarios, defaultScenario);
  const watchdog = setTimeout(() => {
    fail(`gave up after ${WATCHDOG_MS} ms: the skill at ${options.url} stopped answering`);
  }, WATCHDOG_MS);
  watchdog.unref();
  run(scenarios, options).then(
    () => clearTimeout(watchdog),
    (error) => fail(describeError(error)),
  );
}

module.exports = {main};
