-- common.lua — what every scenario script shares (loaded with dofile): the bearer token,
-- per-thread random seeds, a count of answers by status for the write scenarios, and the
-- one summary line run.sh reads.
--
-- Environment: BENCH_TOKEN (required). A scenario script defines request(), may call
-- count_statuses() to have response() count answers by status, and leaves setup(), init()
-- and done() to this file.
local threads = {}

function setup(thread)
	table.insert(threads, thread)
	thread:set("tid", #threads)
end

function init(args)
	-- tid is set by setup() before init() runs in the thread's own Lua state.
	math.randomseed(os.time() * 1000 + tid)
	wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
	statuses = {}
	if scenario_init then
		scenario_init(args)
	end
end

-- Headers for a request with a JSON body: wrk.format uses the headers it is given instead
-- of wrk.headers, so the token is copied in.
function json_headers()
	local h = {}
	for k, v in pairs(wrk.headers) do
		h[k] = v
	end
	h["Content-Type"] = "application/json"
	return h
end

function count_statuses()
	response = function(status, headers, body)
		statuses[status] = (statuses[status] or 0) + 1
	end
end

function done(summary, latency, requests)
	local by_status = {}
	for _, t in ipairs(threads) do
		local s = t:get("statuses")
		if s then
			for k, v in pairs(s) do
				by_status[k] = (by_status[k] or 0) + v
			end
		end
	end
	local list = {}
	for k, v in pairs(by_status) do
		table.insert(list, k .. ":" .. v)
	end
	table.sort(list)
	local e = summary.errors
	io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d "
		.. "non2xx=%d socket_errors=%d statuses=%s bytes=%d\n",
		summary.requests, summary.duration, latency:percentile(50),
		latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout,
		#list > 0 and table.concat(list, ",") or "-", summary.bytes))
end
