-- perf/drain.sh's "move" clients: one connection per wrk thread (-t N -c N); a thread stops at
-- its first response that says Connection: close, as a client behind a load balancer moves to
-- another pod when told to go. A reset or close under a sent request is still wrk's read error.
response = function(status, headers, body)
   for name, value in pairs(headers) do
      if name:lower() == "connection" and value:lower() == "close" then
         wrk.thread:stop()
      end
   end
end
