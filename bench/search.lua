-- wrk script: text search in Open311 requests (issue 11), a random query
-- per request from the file QUERIES (bench/search-queries.txt: one- and
-- two-word searches of the demo city's words, src/core/demo.c: common
-- words, street names, other forms than the reports use, pairs that often
-- and that never meet, a word no report has).  Page 1 of 20, the default
-- 90 days.
--   wrk ... -s bench/search.lua URL -- QUERIES [SEED]
local paths = {}

local function urlencode(s)
	return (s:gsub("[^%w%-_%.~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

function init(args)
	for q in io.lines(args[1]) do
		if q ~= "" then
			paths[#paths + 1] = "/open311/v2/requests.json?q=" ..
			    urlencode(q) .. "&page_size=20"
		end
	end
	math.randomseed(tonumber(args[2] or 11))
end

function request()
	return wrk.format("GET", paths[math.random(1, #paths)])
end
