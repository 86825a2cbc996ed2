// A long-lived marp-cli for `scripts/serve`: one JSON argv per stdin line, one JSON result per
// stdout line. Saves Node's start-up and marp-cli's module loading on every deck edit.
'use strict'
const path = require('node:path')
const readline = require('node:readline')
const { marpCli } = require(path.join(process.cwd(), 'node_modules', '@marp-team', 'marp-cli'))

const rl = readline.createInterface({ input: process.stdin })
let queue = Promise.resolve()
rl.on('line', (line) => {
  queue = queue.then(async () => {
    const argv = JSON.parse(line)
    const messages = []
    const originalWrite = process.stderr.write.bind(process.stderr)
    // marp-cli reports through stderr; keep its words for the Python side's error message.
    process.stderr.write = (chunk, ...rest) => {
      messages.push(String(chunk))
      return true
    }
    let code
    try {
      code = await marpCli(argv, {})
    } catch (error) {
      messages.push(String(error && error.stack ? error.stack : error))
      code = 1
    } finally {
      process.stderr.write = originalWrite
    }
    process.stdout.write(JSON.stringify({ code, log: messages.join('') }) + '\n')
  })
})
