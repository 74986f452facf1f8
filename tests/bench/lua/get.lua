-- get.lua — GET /v1/recommendations/{id}, a random id of the dataset (1..BENCH_RECS).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local recs = tonumber(os.getenv("BENCH_RECS"))

function request()
	return wrk.format("GET", "/v1/recommendations/" .. math.random(1, recs))
end
