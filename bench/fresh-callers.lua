-- Shared by the verifier benchmarks that send requests from addresses never seen before: each
-- wrk thread starts its counter at a random base (so threads never repeat a number or an
-- address), and the status codes of all threads are counted and printed at the end.
local counter = 0
local threads = {}
-- Seeded by the clock: two wrk runs a second or more apart never share callers (unseeded, every
-- run would draw the same bases and repeat the previous run's "fresh" callers).
math.randomseed(os.time())
setup = function(thread)
  thread:set("base", math.random(0, 2^20))
  table.insert(threads, thread)
end
statuses = {}
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
done = function()
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(total) do table.insert(parts, status .. ": " .. count) end
  table.sort(parts)
  io.write("statuses " .. table.concat(parts, ", ") .. "\n")
end
-- The next fresh number n and a fresh address for it (a /32 out of 10.0.0.0/8).
fresh = function()
  counter = counter + 1
  local n = base * 100000 + counter
  return n, string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256), counter
end
