#!/usr/bin/env node
// End-to-end guided playback with the running skill: virtual-alexa's
// simulated player plays a routine step by step, and the person pauses,
// resumes, skips ahead, stops, and comes back another day. See simulator.js
// for the steps and the JSON printed for each of them.
//
// Usage:
//   node tests/e2e/playback.js SKILL_URL MODEL_PATH [SCENARIO]
// or with SKILL_URL, MODEL_PATH and SCENARIO in the environment.
// SCENARIO is one of: routine (default).
//
// The skill must give audio URLs on https (AUDIO_BASE_URL): the simulated
// player refuses to play anything else. Nothing is downloaded; `at` says
// how far into the current clip the player has got.

"use strict";

const {main} = require("./simulator");

const SCENARIOS = {
  routine: [
    {launch: true},
    {say: "let's stretch"},                        // plays daily:0
    {player: "nearlyFinished", at: 12000},         // the skill queues daily:1
    {player: "finished", at: 16144},               // the player moves on to daily:1
    {say: "pause", at: 42000},
    {say: "resume"},                               // daily:1 again, from 42 s
    {say: "next"},                                 // daily:2
    {say: "stop", at: 30500},                      // stops, keeping the place
    {endSession: true},                            // another day...
    {launch: true},                                // ...offers to continue
    {say: "yes"},                                  // daily:2 again, from 30.5 s
  ],
};

main("playback.js", SCENARIOS, "routine");
