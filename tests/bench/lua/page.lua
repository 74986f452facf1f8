-- page.lua — a filtered page after a cursor: in_progress items tagged climate, 50 per page,
-- after a random id (an id-ordered list's cursor is the last id of the previous page).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local last = tonumber(os.getenv("BENCH_CURSOR_MAX"))

function request()
	return wrk.format("GET", "/v1/recommendations?status=in_progress&tag=climate&limit=50"
		.. "&after=" .. math.random(1, last))
end
