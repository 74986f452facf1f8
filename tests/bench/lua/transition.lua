-- transition.lua — POST /v1/recommendations/{id}/transitions, in_progress ⇄ blocked.
--
-- Thread t owns BENCH_SPAN ids from BENCH_WRITE_LO + (t - 1) * BENCH_SPAN, all in_progress
-- when the run starts (run.sh gives each run of wrk fresh items), and visits them in turn:
-- an id it moved to blocked (with the comment blocked requires) goes back to in_progress on
-- the next visit. An id is visited again only after BENCH_SPAN other requests of its thread,
-- far more than the requests in flight, so two requests never race on one id and every
-- transition should be valid: anything but 200 is counted and reported.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local lo = tonumber(os.getenv("BENCH_WRITE_LO"))
local span = tonumber(os.getenv("BENCH_SPAN"))
local blocked_body = '{"to":"blocked","comment":"Waiting for the budget line to be approved."}'
local resume_body = '{"to":"in_progress"}'
local next_i = 0
local blocked = {}

count_statuses()

function scenario_init(args)
	headers = json_headers()
end

-- wrk calls request() once in its first thread before the run, to check the request it
-- builds (script_verify_request), and never sends that one: that call must not move an id, or
-- the id's next visit asks for a transition it is already in (409).
local verified = false

function request()
	if not verified then
		verified = true
		if tid == 1 then
			return wrk.format("POST", "/v1/recommendations/" .. lo .. "/transitions",
				headers, blocked_body)
		end
	end
	local id = lo + (tid - 1) * span + next_i
	next_i = (next_i + 1) % span
	local body = blocked[id] and resume_body or blocked_body
	blocked[id] = not blocked[id]
	return wrk.format("POST", "/v1/recommendations/" .. id .. "/transitions",
		headers, body)
end
