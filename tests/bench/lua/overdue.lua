-- overdue.lua — GET /v1/recommendations?owner=H&overdue=true&limit=50 for a random owner among
-- 1..BENCH_OWNERS_50 (the owners with at least 50 overdue items: full pages).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local owners = tonumber(os.getenv("BENCH_OWNERS_50"))

function request()
	return wrk.format("GET", "/v1/recommendations?owner=" .. math.random(1, owners)
		.. "&overdue=true&limit=50")
end
