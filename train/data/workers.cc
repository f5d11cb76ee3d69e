#include "data/workers.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace tinyml::train {
namespace {

// A record on a worker's pipe: {index, size} then size bytes; an error
// record has index kErrorRecord and the message as its bytes.
constexpr uint64_t kErrorRecord = ~uint64_t{0};

}  // namespace

bool WriteAllToFd(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void RunInWorkers(size_t count, int workers, const std::function<std::string(size_t)>& produce,
                  const std::function<void(size_t, std::string&&)>& consume, double stall_seconds) {
  if (count == 0) return;
  workers = std::max(1, std::min<int>(workers, static_cast<int>(std::min<size_t>(count, 256))));
  struct Child {
    pid_t pid = -1;
    int fd = -1;
    std::string buffer;
    bool open = false;
    std::chrono::steady_clock::time_point last_data;  // when its pipe last delivered bytes
  };
  std::vector<Child> children(static_cast<size_t>(workers));
  auto stop_all = [&children]() {
    for (auto& c : children) {
      if (c.fd >= 0) close(c.fd);
      c.fd = -1;
      if (c.pid > 0) {
        kill(c.pid, SIGKILL);
        int status = 0;
        while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
        c.pid = -1;
      }
    }
  };
  std::fflush(nullptr);  // nothing buffered may be written twice
  for (int w = 0; w < workers; ++w) {
    int fds[2];
    if (pipe(fds) != 0) {
      stop_all();
      throw std::runtime_error(std::string("worker processes: pipe: ") + std::strerror(errno));
    }
    const pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      stop_all();
      throw std::runtime_error(std::string("worker processes: fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // The worker: never returns into the caller (no atexit handlers, no
      // test framework), leaves through _exit.
      close(fds[0]);
      for (int v = 0; v < w; ++v) close(children[v].fd);
      int code = 0;
      try {
        for (size_t i = static_cast<size_t>(w); i < count; i += static_cast<size_t>(workers)) {
          const std::string bytes = produce(i);
          const uint64_t header[2] = {i, bytes.size()};
          if (!WriteAllToFd(fds[1], header, sizeof(header)) || !WriteAllToFd(fds[1], bytes.data(), bytes.size())) {
            _exit(3);
          }
        }
      } catch (const std::exception& e) {
        const std::string message = e.what();
        const uint64_t header[2] = {kErrorRecord, message.size()};
        WriteAllToFd(fds[1], header, sizeof(header));
        WriteAllToFd(fds[1], message.data(), message.size());
        code = 2;
      } catch (...) {
        const std::string message = "unknown exception";
        const uint64_t header[2] = {kErrorRecord, message.size()};
        WriteAllToFd(fds[1], header, sizeof(header));
        WriteAllToFd(fds[1], message.data(), message.size());
        code = 2;
      }
      close(fds[1]);
      _exit(code);
    }
    close(fds[1]);
    children[w].pid = pid;
    children[w].fd = fds[0];
    children[w].open = true;
    children[w].last_data = std::chrono::steady_clock::now();
  }

  std::string error;
  size_t received = 0;
  try {
    size_t open_count = children.size();
    std::vector<pollfd> polls;
    while (open_count > 0) {
      polls.clear();
      for (auto& c : children) {
        if (c.open) polls.push_back({c.fd, POLLIN, 0});
      }
      if (poll(polls.data(), polls.size(), 1000) < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(std::string("worker processes: poll: ") + std::strerror(errno));
      }
      for (const auto& p : polls) {
        if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        Child* c = nullptr;
        for (auto& ch : children) {
          if (ch.fd == p.fd) c = &ch;
        }
        char chunk[1 << 16];
        const ssize_t n = read(c->fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          c->open = false;
          --open_count;
          continue;
        }
        c->last_data = std::chrono::steady_clock::now();
        c->buffer.append(chunk, static_cast<size_t>(n));
        size_t pos = 0;
        while (c->buffer.size() - pos >= 16) {
          uint64_t header[2];
          std::memcpy(header, c->buffer.data() + pos, sizeof(header));
          if (c->buffer.size() - pos - 16 < header[1]) break;
          std::string bytes = c->buffer.substr(pos + 16, header[1]);
          pos += 16 + header[1];
          if (header[0] == kErrorRecord) {
            if (error.empty()) error = bytes;
          } else if (header[0] < count) {
            consume(header[0], std::move(bytes));
            ++received;
          }
        }
        c->buffer.erase(0, pos);
      }
      if (!error.empty()) break;
      if (stall_seconds > 0) {
        const auto now = std::chrono::steady_clock::now();
        for (size_t w = 0; w < children.size(); ++w) {
          const Child& c = children[w];
          if (c.open && std::chrono::duration<double>(now - c.last_data).count() > stall_seconds) {
            error = "worker " + std::to_string(w) + " stalled: no result for " +
                    std::to_string(static_cast<long long>(stall_seconds)) + " s";
            break;
          }
        }
        if (!error.empty()) break;
      }
    }
  } catch (...) {
    stop_all();
    throw;
  }
  if (!error.empty()) {
    stop_all();
    throw std::runtime_error("worker process failed: " + error);
  }
  std::string failure;
  for (auto& c : children) {
    close(c.fd);
    c.fd = -1;
    int status = 0;
    while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
    }
    c.pid = -1;
    if (failure.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      failure = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                    : "exit status " + std::to_string(WEXITSTATUS(status));
    }
  }
  if (!failure.empty()) throw std::runtime_error("worker process failed (" + failure + ")");
  if (received != count) {
    throw std::runtime_error("worker processes returned " + std::to_string(received) + " of " + std::to_string(count) +
                             " results");
  }
}

int DefaultWorkers(int workers) {
  if (workers > 0) return workers;
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace tinyml::train
