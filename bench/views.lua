-- wrk script: the paths listed in a file (one a line), each request one
-- of them at random (seeded): bench/map.sh asks veche for a set of map
-- views and nginx for the same answers kept as static files, so both
-- serve the same bytes.
--   wrk ... -s bench/views.lua URL -- PATHS_FILE [SEED]
local paths = {}

function init(args)
	for line in io.lines(args[1]) do
		if line ~= "" then
			paths[#paths + 1] = line
		end
	end
	assert(#paths > 0, "bench/views.lua: no paths in " .. args[1])
	math.randomseed(tonumber(args[2] or 17))
end

function request()
	return wrk.format("GET", paths[math.random(1, #paths)])
end
