-- comment.lua — POST /v1/recommendations/{id}/comments on a random id of 1..BENCH_COMMENT_MAX
-- (the items the transition scenario does not touch). A comment is always accepted.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local last = tonumber(os.getenv("BENCH_COMMENT_MAX"))
local body = '{"comment":"Discussed at the follow-up call; the report is expected next month."}'

count_statuses()

function scenario_init(args)
	headers = json_headers()
end

function request()
	return wrk.format("POST", "/v1/recommendations/" .. math.random(1, last) .. "/comments",
		headers, body)
end
