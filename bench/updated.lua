-- wrk script: Open311 clients polling for changes, as FixMyStreet's does:
-- GET requests.json?updated_after=<a recent instant>&page_size=50, the
-- instant between HOURS (default 24) hours before NOW and NOW (Unix seconds,
-- the newest update in the database), a new one each request (issue 11).
--   wrk ... -s bench/updated.lua URL -- NOW [HOURS SEED]
local now, span

function init(args)
	now = tonumber(args[1])
	span = tonumber(args[2] or 24) * 3600
	math.randomseed(tonumber(args[3] or 13))
end

function request()
	local t = now - math.random(0, span)
	local path = "/open311/v2/requests.json?updated_after=" ..
	    os.date("!%Y-%m-%dT%H:%M:%SZ", t) .. "&page_size=50"
	return wrk.format("GET", path)
end
