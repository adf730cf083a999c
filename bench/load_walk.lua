-- wrk's walker for bench/bench_load.py (run by it; not by hand).
--
-- bench_load.py signs every simulated user in through the login form (CSRF token and
-- all) and writes the plan: one session cookie per user, the user's kind and projects,
-- the filters to pick from, and the URL prefix ("" for the product's pages,
-- "/bench/raw" for the raw-SQL floor). wrk runs one thread per connection (-t N -c N),
-- so each thread is one user with its own session, walking without pause the pages
-- those users live on, with locustfile-era weights: kanban 3, project list 3,
-- enterprise search 2, a project page of its own scope 3, its dashboard 1.
--
-- Every answer is written to <ZS_LOAD_OUT>/thread-<n>.tsv as
-- "page <TAB> sent_us <TAB> done_us <TAB> status" (CLOCK_MONOTONIC microseconds), and
-- bench_load.py computes requests/s, exact percentiles and errors from those lines:
-- any answer but 200 is an error, redirects included (a lost session would otherwise
-- pass as a login page). wrk's own socket errors are printed by done().

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } zs_timespec;
int clock_gettime(int clk_id, zs_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local ts = ffi.new("zs_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local plan = dofile(os.getenv("ZS_LOAD_PLAN"))

-- The main state numbers the threads; each thread's own state reads its number.
local count = 0
function setup(thread)
  count = count + 1
  thread:set("index", count)
end

local user, headers, out, rng_pick
local current, sent

local PAGES = {
  { "看板", 3 },
  { "项目清单", 3 },
  { "企业检索", 2 },
  { "项目页", 3 },
  { "驾驶舱", 1 },
}
local TOTAL = 0
for _, p in ipairs(PAGES) do
  TOTAL = TOTAL + p[2]
end

local function choice(list)
  return list[math.random(#list)]
end

local function path_of(page)
  local raw = plan.prefix ~= ""
  if page == "看板" then
    return raw and "/kanban/" or "/pipeline/"
  elseif page == "项目清单" then
    local q = "?stage=" .. choice(plan.stages)
    if user.kind == "office" then
      q = q .. "&department=" .. choice(plan.units)
    end
    return (raw and "/projects/" or "/pipeline/projects/") .. q
  elseif page == "企业检索" then
    return "/enterprises/?q=" .. choice(plan.searches)
  elseif page == "项目页" then
    local pk = choice(user.projects)
    return (raw and "/projects/" or "/pipeline/projects/") .. pk .. "/"
  end
  if raw then
    return "/dashboard/"
  end
  return user.kind == "office" and "/reports/dashboard/office/" or "/reports/dashboard/unit/"
end

local function pick()
  local n = math.random(TOTAL)
  for _, p in ipairs(PAGES) do
    n = n - p[2]
    if n <= 0 then
      return p[1]
    end
  end
end

function init(args)
  user = plan.users[(index - 1) % #plan.users + 1]
  math.randomseed(index * 7919 + plan.seed)
  headers = { ["Cookie"] = user.cookie }
  out = assert(io.open(plan.out .. "/thread-" .. index .. ".tsv", "w"))
  out:setvbuf("full")
end

function request()
  current = pick()
  sent = now_us()
  return wrk.format("GET", plan.prefix .. path_of(current), headers)
end

function response(status, _headers, _body)
  out:write(current, "\t", sent, "\t", now_us(), "\t", status, "\n")
  out:flush()
end

function done(summary, _latency, _requests)
  local e = summary.errors
  io.write(
    string.format(
      "ZS_WRK requests=%d connect=%d read=%d write=%d status=%d timeout=%d duration_us=%d\n",
      summary.requests,
      e.connect,
      e.read,
      e.write,
      e.status,
      e.timeout,
      summary.duration
    )
  )
end
