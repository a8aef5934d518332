-- wrk script for bench/flood.sh: each thread requests FLOOD_PER_THREAD distinct URLs, in turn
--   /gemeenten?zoek=<random>            a distinct search: a distinct cache entry
--   /kennisbank?zoek=<random>           likewise
--   /metingen/eerste-meting?x=<random>  an unknown parameter: dropped from the key, the one kept dashboard
--   /gemeenten/GM<random>               an unknown code (GM9nnn) or no code at all: 404, never kept
-- then writes FLOOD_DONE.<thread> and stops; the script interrupts wrk once every thread has.
local threads, counter = {}, 0
function setup(thread)
    counter = counter + 1
    thread:set("id", counter)
end
local letters = "abcdefghijklmnopqrstuvwxyz"
local function word(n)
    local t = {}
    for i = 1, n do local k = math.random(1, 26); t[i] = letters:sub(k, k) end
    return table.concat(t)
end
local n, sent, quota, stopped = 0, 0, 0, false
function init(args)
    math.randomseed(os.time() * 100 + id)
    quota = tonumber(os.getenv("FLOOD_PER_THREAD") or "50000")
end
function request()
    n = n + 1
    local unique = word(8) .. id .. "x" .. n -- random letters, and distinct whatever the random numbers do
    local kind = n % 4
    if kind == 0 then return wrk.format("GET", "/gemeenten?zoek=" .. unique)
    elseif kind == 1 then return wrk.format("GET", "/kennisbank?zoek=" .. unique)
    elseif kind == 2 then return wrk.format("GET", "/metingen/eerste-meting?x=" .. unique)
    elseif n % 8 == 3 then return wrk.format("GET", "/gemeenten/GM9" .. math.random(100, 999)) -- a CBS code nobody has
    else return wrk.format("GET", "/gemeenten/GM" .. math.random(10000, 99999) .. n) end -- not a CBS code at all
end
function response(status, headers, body)
    sent = sent + 1
    if sent >= quota and not stopped then
        stopped = true
        local f = io.open(os.getenv("FLOOD_DONE") .. "." .. id, "w")
        f:write(tostring(sent)); f:close()
        wrk.thread:stop()
    end
end
