-- wrk script: updated_after polling, as FixMyStreet's client fetches the
-- reports changed since its last look (issue 11): each request a random
-- instant from T0 to T1 (Unix seconds), the first page of 50.
--   wrk ... -s bench/updated.lua URL -- T0 T1 [SEED]
local t0, t1

function init(args)
	t0 = tonumber(args[1])
	t1 = tonumber(args[2])
	math.randomseed(tonumber(args[3] or 13))
end

function request()
	local t = t0 + math.floor(math.random() * (t1 - t0))
	local path = string.format(
	    "/open311/v2/requests.json?updated_after=%s&page_size=50",
	    os.date("!%Y-%m-%dT%H:%M:%SZ", t))
	return wrk.format("GET", path)
end
