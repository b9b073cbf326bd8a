"""Writes combined-format nginx lines with the current time to stdout (for kcat) and to a log file:
200s, then a 5xx burst, then 200s again; prints when each phase starts."""
import sys, time, datetime
warm, burst, calm, rate = (float(a) for a in sys.argv[1:5])
log = open(sys.argv[5], "a")
def line(status):
    now = datetime.datetime.now(datetime.timezone.utc)
    return f'198.51.100.{int(time.time()*rate) % 200 + 1} - - [{now.strftime("%d/%b/%Y:%H:%M:%S +0000")}] "GET /checkout HTTP/1.1" {status} 512 "-" "curl/8.0"\n'
start = time.time()
for phase, length, status in (("warm", warm, 200), ("burst", burst, 500), ("calm", calm, 200)):
    print(f"PHASE {phase} {datetime.datetime.now(datetime.timezone.utc).isoformat()}", file=sys.stderr, flush=True)
    end = time.time() + length
    while time.time() < end:
        l = line(status)
        log.write(l); log.flush()
        sys.stdout.write(l); sys.stdout.flush()
        time.sleep(1 / rate)
print(f"PHASE done {datetime.datetime.now(datetime.timezone.utc).isoformat()}", file=sys.stderr, flush=True)
