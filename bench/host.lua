-- host.lua: every request with the Host header given as the script's
-- argument (wrk ... -s bench/host.lua URL -- HOST), as a browser at that
-- name sends it: veche serve --region chooses the city by it.
local host
function init(args)
	host = args[1]
end
function request()
	return wrk.format(nil, nil, { Host = host })
end
