-- wrk script: POST new reports (urlencoded) with the API key given after --.
local counter = 0
local key = ""

function init(args)
	key = args[1] or ""
end

function request()
	counter = counter + 1
	local lat = 57.60 + (counter % 1000) / 10000
	local lon = 39.85 + (counter % 997) / 10000
	local body = "api_key=" .. key ..
	    "&service_code=pothole&attribute%5Bsize%5D=small" ..
	    "&lat=" .. lat .. "&long=" .. lon ..
	    "&description=%D0%AF%D0%BC%D0%B0+" .. counter ..
	    "&email=bench%40example.org"
	return wrk.format("POST", nil,
	    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
