// Loaded with --import into each benchmarked process: writes its peak memory (KiB) when it exits.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS))
  }
})
