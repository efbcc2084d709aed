-- wrk script: varied Open311 area reads, each a random box of DLON x DLAT
-- degrees (default 0.01 x 0.006) anywhere in the city's box, page 1 to 3
-- of 50 (issue 11).
--   wrk ... -s bench/bbox.lua URL -- MIN_LON MIN_LAT MAX_LON MAX_LAT [DLON DLAT SEED]
local box, dlon, dlat

function init(args)
	box = { tonumber(args[1]), tonumber(args[2]), tonumber(args[3]),
	    tonumber(args[4]) }
	dlon = tonumber(args[5] or 0.01)
	dlat = tonumber(args[6] or 0.006)
	math.randomseed(tonumber(args[7] or 7))
end

function request()
	local lon = box[1] + math.random() * (box[3] - box[1] - dlon)
	local lat = box[2] + math.random() * (box[4] - box[2] - dlat)
	local path = string.format("/open311/v2/requests.json?bbox=%.6f,%.6f,%.6f,%.6f&page=%d&page_size=50",
	    lon, lat, lon + dlon, lat + dlat, math.random(1, 3))
	return wrk.format("GET", path)
end
