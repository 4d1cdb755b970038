#!/usr/bin/env node
// End-to-end conversations with the running skill, through virtual-alexa,
// an Alexa simulator that knows nothing about this project's code: it reads
// the interaction model, turns phrases into intents the way Alexa would
// (literally, from the samples), and POSTs real request envelopes to the
// skill's URL.
//
// Usage:
//   node tests/e2e/screening.js SKILL_URL MODEL_PATH [SCENARIO]
// or with SKILL_URL, MODEL_PATH and SCENARIO in the environment.
// SCENARIO is one of: screening (default), red-flag.
//
// Prints one JSON object per turn, one per line, on stdout:
//   {"scenario", "session", "turn", "kind", "sent", "requestType", "intent",
//    "ssml", "reprompt", "shouldEndSession"}
// and exits non-zero, with a message on stderr, if anything goes wrong.

"use strict";

const fs = require("fs");
const path = require("path");

const APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000";
const LOCALE = "en-US";
// No request should take long; a hung server must not hang the test run.
const WATCHDOG_MS = Number(process.env.E2E_TIMEOUT_MS || 60000);

// Each step is one thing the person does:
//   {launch: true}        "Alexa, open gentle back guide"
//   {say: "phrase"}       a phrase, matched against the model's samples
//   {intend: "Name"}      an intent sent directly (for phrases the simulator
//                         would mistake for a launch)
//   {endSession: true}    the session ends (the person walks away)
const SCENARIOS = {
  screening: [
    {launch: true},
    {say: "check my back"},
    {say: "no"},            // safety question one: urgent red flags
    {say: "no"},            // safety question two
    {say: "yes"},           // clue one
    {say: "yes"},           // clue two
    {say: "not sure"},      // clue three
    {say: "no"},            // clue four
    {say: "yes"},           // "Would you like to hear who can help?"
    {endSession: true},
    {launch: true},
    {say: "what is the psoas"},
    {say: "stop"},
  ],
  "red-flag": [
    {launch: true},
    {say: "check my back"},
    {say: "yes"},           // safety question one: urgent red flags
  ],
};

function fail(message) {
  process.stderr.write(`screening.js: ${message}\n`);
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

function parseArgs(argv, env) {
  const [url = env.SKILL_URL, model = env.MODEL_PATH, scenario = env.SCENARIO || "screening"] =
    argv;
  if (!url || !model) {
    fail("usage: node tests/e2e/screening.js SKILL_URL MODEL_PATH [SCENARIO]"
      + " (or set SKILL_URL and MODEL_PATH)");
  }
  if (!/^https?:\/\//.test(url)) {
    fail(`the skill URL must start with http:// or https://, got ${JSON.stringify(url)}`);
  }
  const modelPath = path.resolve(model);
  if (!fs.existsSync(modelPath)) {
    fail(`no interaction model at ${modelPath}`);
  }
  if (!Object.prototype.hasOwnProperty.call(SCENARIOS, scenario)) {
    fail(`unknown scenario ${JSON.stringify(scenario)};`
      + ` expected one of ${Object.keys(SCENARIOS).join(", ")}`);
  }
  return {url, modelPath, scenario};
}

function describeStep(step) {
  if (step.launch) return {kind: "launch", sent: "open gentle back guide"};
  if (step.say !== undefined) return {kind: "utter", sent: step.say};
  if (step.intend !== undefined) return {kind: "intend", sent: step.intend};
  if (step.endSession) return {kind: "endSession", sent: "(session ends)"};
  throw new Error(`unknown step ${JSON.stringify(step)}`);
}

function send(alexa, step) {
  if (step.launch) return alexa.launch();
  if (step.say !== undefined) return alexa.utter(step.say);
  if (step.intend !== undefined) return alexa.intend(step.intend, step.slots);
  return alexa.endSession();
}

async function run({url, modelPath, scenario}) {
  const VirtualAlexa = loadVirtualAlexa();
  const alexa = VirtualAlexa.Builder()
    .skillURL(url)
    .interactionModelFile(modelPath)
    .applicationID(APPLICATION_ID)
    .locale(LOCALE)
    .create();

  // Remember each request as it goes out, to report what the simulator sent.
  let lastRequest = null;
  alexa.filter((request) => {
    lastRequest = request;
  });

  let session = 1;
  let turn = 0;
  for (const step of SCENARIOS[scenario]) {
    const {kind, sent} = describeStep(step);
    turn += 1;
    if (kind === "launch" && turn > 1 && !alexa.context().activeSession()) {
      session += 1;
    }
    lastRequest = null;
    let reply;
    try {
      reply = await send(alexa, step);
    } catch (error) {
      throw new Error(`turn ${turn} (${kind} ${JSON.stringify(sent)}) failed: `
        + describeError(error));
    }
    const body = (reply && reply.response) || {};
    const speech = body.outputSpeech || {};
    const request = (lastRequest && lastRequest.request) || {};
    const record = {
      scenario,
      session,
      turn,
      kind,
      sent,
      requestType: request.type || null,
      intent: (request.intent && request.intent.name) || null,
      ssml: speech.ssml || speech.text || "",
      reprompt: Boolean(body.reprompt && body.reprompt.outputSpeech),
      shouldEndSession: body.shouldEndSession === undefined ? null : body.shouldEndSession,
    };
    process.stdout.write(JSON.stringify(record) + "\n");
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2), process.env);
  const watchdog = setTimeout(() => {
    fail(`gave up after ${WATCHDOG_MS} ms: the skill at ${options.url} stopped answering`);
  }, WATCHDOG_MS);
  watchdog.unref();
  run(options).then(
    () => clearTimeout(watchdog),
    (error) => fail(describeError(error)),
  );
}

process.on("unhandledRejection", (error) => fail(`unhandled rejection: ${describeError(error)}`));

main();
