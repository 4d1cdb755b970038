#!/usr/bin/env node
// End-to-end conversations with the running skill, through virtual-alexa
// (see simulator.js for the steps and the JSON printed for each of them).
//
// Usage:
//   node tests/e2e/screening.js SKILL_URL MODEL_PATH [SCENARIO]
// or with SKILL_URL, MODEL_PATH and SCENARIO in the environment.
// SCENARIO is one of: screening (default), red-flag, correction, part.
//
// The skill must give audio URLs on https (AUDIO_BASE_URL): the simulated
// player refuses to play anything else.

"use strict";

const {main} = require("./simulator");

const SCENARIOS = {
  screening: [
    {launch: true},
    {say: "check my back"},
    {say: "no"},            // safety question one: emergency signs
    {say: "no"},            // safety question two: signs for a doctor today
    {say: "no"},            // safety question three: how the pain behaves
    {say: "yes"},           // clue one
    {say: "yes"},           // clue two
    {say: "not sure"},      // clue three
    {say: "no"},            // clue four
    {say: "yes"},           // "Would you like to try the daily psoas release?"
    {endSession: true},
    {launch: true},         // the routine is still playing
    {say: "what is the psoas"},
    {say: "stop"},
  ],
  "red-flag": [
    {launch: true},
    {say: "check my back"},
    {say: "yes"},           // safety question one: emergency signs
  ],
  correction: [
    {launch: true},
    {say: "check my back"},
    {say: "no"},            // safety question one: emergency signs
    {say: "I meant yes"},   // ... was a yes after all
  ],
  part: [
    {launch: true},
    {say: "check my back"},
    {say: "no"},            // safety question one: emergency signs
    {say: "what do you mean by high temperature"},  // a part of question two
  ],
};

main("screening.js", SCENARIOS, "screening");
