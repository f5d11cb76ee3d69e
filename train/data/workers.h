// Parallel work in forked worker processes, for generators whose libraries
// keep global state (the speech engines) and so cannot use threads.
#ifndef TINYML_TRAIN_DATA_WORKERS_H_
#define TINYML_TRAIN_DATA_WORKERS_H_

#include <cstddef>
#include <functional>
#include <string>

namespace tinyml::train {

// Runs produce(i) for every i < count in `workers` forked processes (worker w
// takes i = w, w + workers, ...; at most 256 workers, never more than count)
// and hands each result to consume(i, bytes) in the calling process as it
// arrives, in no particular order. For results that do not depend on the
// number of workers, produce(i) must depend on i only (and on what the
// process held before the fork).
//
// Call it before the process starts threads if possible: the workers are
// fork()ed from the calling thread. They leave through _exit (no atexit
// handlers, no flushing of inherited stdio buffers, which are flushed before
// the fork).
//
// A worker that throws, exits early or crashes makes this throw
// std::runtime_error with one line saying why (the exception's message, the
// exit status or the signal) once every worker has been stopped and reaped;
// an exception from consume() also stops the workers and propagates. So
// does a worker that delivers nothing for `stall_seconds` (a hung speech
// engine): it is killed with the others ("worker N stalled"); <= 0: no limit.
void RunInWorkers(size_t count, int workers, const std::function<std::string(size_t)>& produce,
                  const std::function<void(size_t, std::string&&)>& consume, double stall_seconds = 600.0);

// `workers`, or the number of online cores when it is 0 or less.
int DefaultWorkers(int workers);

// Writes all of `data` to `fd` (retrying short writes and EINTR).
bool WriteAllToFd(int fd, const void* data, size_t size);

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_DATA_WORKERS_H_
