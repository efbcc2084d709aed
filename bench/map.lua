-- wrk script: the public map's views (GET /map/clusters.json), each a
-- random viewport of W x H pixels (default 1280 x 800) at a random zoom
-- from ZMIN to ZMAX (default 10 to 17) centred anywhere in the city's box,
-- for one of the map's standing periods: the default (90 days), 7, 30, 90.
-- Each box is snapped outward to the zoom's grid of 64 px cells as the map
-- page asks for it (web/js/veche.js, snappedBox: each edge half a unit of
-- 2^-32 of the world inside its grid line, in full precision); MODE
-- "unaligned" asks for the viewport itself, as before (6 decimals).
-- With BENCH_MAP_PATHS set to a file, the first BENCH_MAP_PATHS_N (2000)
-- paths asked for are written to it, one a line (bench/map.sh serves the
-- same answers with nginx from them: bench/views.lua).
--   wrk ... -s bench/map.lua URL -- MIN_LON MIN_LAT MAX_LON MAX_LAT [ZMIN ZMAX W H SEED MODE]
local box, zmin, zmax, w, h, aligned
local log, logged, logmax = nil, 0, 0
local periods = { "", "&days=7", "&days=30", "&days=90" }

function init(args)
	box = { tonumber(args[1]), tonumber(args[2]), tonumber(args[3]),
	    tonumber(args[4]) }
	zmin = tonumber(args[5] or 10)
	zmax = tonumber(args[6] or 17)
	w = tonumber(args[7] or 1280)
	h = tonumber(args[8] or 800)
	math.randomseed(tonumber(args[9] or 11))
	aligned = (args[10] or "aligned") ~= "unaligned"
	if os.getenv("BENCH_MAP_PATHS") then
		log = assert(io.open(os.getenv("BENCH_MAP_PATHS"), "w"))
		logmax = tonumber(os.getenv("BENCH_MAP_PATHS_N") or 2000)
	end
end

-- Web Mercator: longitude and latitude to world pixels at zoom z, and back.
local function px(lon, lat, z)
	local s = 256 * 2 ^ z
	local r = math.rad(lat)
	return (lon + 180) / 360 * s,
	    (1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * s
end

local function ll(x, y, z)
	local s = 256 * 2 ^ z
	local n = math.pi - 2 * math.pi * y / s
	return x / s * 360 - 180, math.deg(math.atan(math.sinh and
	    math.sinh(n) or (math.exp(n) - math.exp(-n)) / 2))
end

-- The box of pixels x0..x1, y0..y1 at zoom z snapped outward to 64 px
-- cells, each edge half a unit inside: west, south, east, north.
local function snapped(x0, y0, x1, y1, z)
	local unit = 256 * 2 ^ z / 2 ^ 32
	local cx0, cy0 = math.floor(x0 / 64) * 64, math.floor(y0 / 64) * 64
	local cx1, cy1 = math.ceil(x1 / 64) * 64, math.ceil(y1 / 64) * 64
	local w0, n0 = ll(cx0 + unit / 2, cy0 + unit / 2, z)
	local e0, s0 = ll(cx1 - unit / 2, cy1 - unit / 2, z)
	return w0, s0, e0, n0
end

function request()
	local z = math.random(zmin, zmax)
	local lon = box[1] + math.random() * (box[3] - box[1])
	local lat = box[2] + math.random() * (box[4] - box[2])
	local x, y = px(lon, lat, z)
	local period = periods[math.random(1, #periods)]
	local path
	if aligned then
		local w0, s0, e0, n0 = snapped(x - w / 2, y - h / 2, x + w / 2,
		    y + h / 2, z)
		path = string.format("/map/clusters.json?bbox=%.17g,%.17g,%.17g,%.17g&zoom=%d%s",
		    w0, s0, e0, n0, z, period)
	else
		local w0, n0 = ll(x - w / 2, y - h / 2, z)
		local e0, s0 = ll(x + w / 2, y + h / 2, z)
		path = string.format("/map/clusters.json?bbox=%.6f,%.6f,%.6f,%.6f&zoom=%d%s",
		    w0, s0, e0, n0, z, period)
	end
	if log then
		log:write(path, "\n")
		logged = logged + 1
		if logged == logmax then
			log:close()
			log = nil
		end
	end
	return wrk.format("GET", path)
end
