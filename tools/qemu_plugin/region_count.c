/* tinyml's QEMU TCG plugin (QEMU 7.2, plugin API version 1): exact counts of
 * the guest instructions executed between two marker addresses.
 *
 *   qemu-system-arm ... -plugin libtinyml_region.so,begin=ADDR,end=ADDR[,hist=on][,out=FILE]
 *
 * A region opens when the instruction at `begin` executes and closes when
 * the instruction at `end` executes; it counts everything in between
 * (interrupt handlers included, none run in our firmware). Regions may
 * repeat; each prints one line:
 *     region <n> insns <count>
 * With hist=on, each region also prints one line per mnemonic:
 *     hist <n> <mnemonic> <executed> taken <taken> regs <registers>
 * `taken` counts executions after which control did not fall through to
 * the next instruction (taken branches, returns); `regs` sums the register
 * list lengths of multi-register loads/stores (push/pop/ldm/stm/vpush/...),
 * for cycle estimates. At exit:
 *     summary regions <n> region_insns <sum> total_insns <whole run>
 *
 * Counting: every instruction gets an inline 64-bit add when translated,
 * so the totals are exact (condition-failed IT-block instructions count as
 * executed, as they do on the core). The histogram is gathered per
 * translation block: a TB runs its instructions in order, and a block ends
 * at every branch, so "next block does not start where this one ended"
 * means the last instruction transferred control. */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum { kMnemonicChars = 16 };

/* One guest instruction address, shared by every translation of it. */
typedef struct {
  uint64_t address;
  char mnemonic[kMnemonicChars];
  uint32_t registers; /* register-list length, 0 if none */
  uint64_t executed;
  uint64_t taken;
} Site;

/* One translation block: its instructions in order. */
typedef struct {
  uint64_t start;
  uint64_t end; /* address after the last instruction */
  guint count;
  Site **sites;
} Block;

typedef struct {
  char mnemonic[kMnemonicChars];
  uint64_t executed, taken, registers;
} Total;

static uint64_t begin_address = UINT64_MAX;
static uint64_t end_address = UINT64_MAX;
static gboolean histogram;
static FILE *out;

static uint64_t executed_total;  /* inline counter, all instructions */
static uint64_t region_start;    /* executed_total when the region opened */
static gboolean in_region;       /* exact counting */
static gboolean in_hist_region;  /* block-level histogram */
static guint regions_done;
static uint64_t regions_sum;

static GHashTable *sites;  /* address -> Site* */
static GPtrArray *blocks;  /* every Block*, freed at exit */
static Block *last_block;  /* previous block executed inside the region */

/* Mnemonic without width suffixes (".w", ".n") so ldr and ldr.w merge. */
static void CopyMnemonic(const char *disassembly, char *mnemonic) {
  size_t n = 0;
  while (disassembly[n] != '\0' && disassembly[n] != ' ' && disassembly[n] != '\t' && n + 1 < kMnemonicChars) {
    mnemonic[n] = disassembly[n];
    ++n;
  }
  mnemonic[n] = '\0';
  char *dot = strrchr(mnemonic, '.');
  if (dot != NULL && (strcmp(dot, ".w") == 0 || strcmp(dot, ".n") == 0)) *dot = '\0';
}

/* Registers named in a "{...}" list, ranges like r4-r7 or d8-d15 expanded. */
static uint32_t CountListRegisters(const char *disassembly) {
  const char *open = strchr(disassembly, '{');
  const char *close = open != NULL ? strchr(open, '}') : NULL;
  if (open == NULL || close == NULL) return 0;
  uint32_t count = 0;
  const char *p = open + 1;
  while (p < close) {
    while (p < close && (*p == ' ' || *p == ',')) ++p;
    if (p >= close) break;
    const char *item = p;
    while (p < close && *p != ',') ++p;
    const char *dash = memchr(item, '-', (size_t)(p - item));
    if (dash != NULL) {
      const char *a = item;
      while (a < dash && (*a < '0' || *a > '9')) ++a;
      const char *b = dash + 1;
      while (b < p && (*b < '0' || *b > '9')) ++b;
      const long first = strtol(a, NULL, 10), last = strtol(b, NULL, 10);
      count += last >= first ? (uint32_t)(last - first + 1) : 1u;
    } else {
      count += 1;
    }
  }
  return count;
}

static Site *SiteFor(struct qemu_plugin_insn *insn) {
  uint64_t address = qemu_plugin_insn_vaddr(insn);
  Site *site = g_hash_table_lookup(sites, &address);
  if (site != NULL) return site;
  site = g_new0(Site, 1);
  site->address = address;
  char *text = qemu_plugin_insn_disas(insn);
  CopyMnemonic(text, site->mnemonic);
  site->registers = CountListRegisters(text);
  g_free(text);
  g_hash_table_insert(sites, &site->address, site);
  return site;
}

static gint ByExecutedDescending(gconstpointer a, gconstpointer b) {
  const Total *x = a, *y = b;
  if (x->executed != y->executed) return x->executed < y->executed ? 1 : -1;
  return strcmp(x->mnemonic, y->mnemonic);
}

/* Prints the region's histogram and clears the per-site counts. */
static void PrintHistogram(guint region) {
  GHashTable *totals = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, sites);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    Site *site = value;
    if (site->executed == 0) continue;
    Total *total = g_hash_table_lookup(totals, site->mnemonic);
    if (total == NULL) {
      total = g_new0(Total, 1);
      memcpy(total->mnemonic, site->mnemonic, kMnemonicChars);
      g_hash_table_insert(totals, total->mnemonic, total);
    }
    total->executed += site->executed;
    total->taken += site->taken;
    total->registers += site->executed * site->registers;
    site->executed = site->taken = 0;
  }
  GList *sorted = g_list_sort(g_hash_table_get_values(totals), ByExecutedDescending);
  for (GList *p = sorted; p != NULL; p = p->next) {
    const Total *t = p->data;
    fprintf(out, "hist %u %s %" PRIu64 " taken %" PRIu64 " regs %" PRIu64 "\n", region, t->mnemonic, t->executed,
            t->taken, t->registers);
  }
  g_list_free(sorted);
  g_hash_table_destroy(totals);
}

static void OnBegin(unsigned int vcpu, void *data) {
  (void)vcpu, (void)data;
  region_start = executed_total;
  in_region = TRUE;
}

static void OnEnd(unsigned int vcpu, void *data) {
  (void)vcpu, (void)data;
  if (!in_region) return;
  /* Both callbacks run at the same point relative to their instruction's
     inline add, so the difference is exactly [begin, end). */
  const uint64_t count = executed_total - region_start;
  in_region = FALSE;
  fprintf(out, "region %u insns %" PRIu64 "\n", regions_done, count);
  if (histogram) PrintHistogram(regions_done);
  regions_sum += count;
  ++regions_done;
  fflush(out);
}

static void OnBlock(unsigned int vcpu, void *data) {
  (void)vcpu;
  Block *block = data;
  if (block->start == begin_address) {
    in_hist_region = TRUE;
    last_block = NULL;
  } else if (block->start == end_address && in_hist_region) {
    if (last_block != NULL && last_block->end != block->start) last_block->sites[last_block->count - 1]->taken++;
    in_hist_region = FALSE;
    last_block = NULL;
    return;
  }
  if (!in_hist_region) return;
  if (last_block != NULL && last_block->end != block->start) last_block->sites[last_block->count - 1]->taken++;
  for (guint i = 0; i < block->count; ++i) block->sites[i]->executed++;
  last_block = block;
}

static void OnTranslate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  Block *block = NULL;
  if (histogram && n > 0) {
    block = g_new0(Block, 1);
    block->count = (guint)n;
    block->sites = g_new0(Site *, n);
    g_ptr_array_add(blocks, block);
  }
  for (size_t i = 0; i < n; ++i) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    const uint64_t address = qemu_plugin_insn_vaddr(insn);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed_total, 1);
    if (address == begin_address)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, OnBegin, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (address == end_address) qemu_plugin_register_vcpu_insn_exec_cb(insn, OnEnd, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (block != NULL) {
      block->sites[i] = SiteFor(insn);
      if (i == 0) block->start = address;
      block->end = address + qemu_plugin_insn_size(insn);
    }
  }
  if (block != NULL) qemu_plugin_register_vcpu_tb_exec_cb(tb, OnBlock, QEMU_PLUGIN_CB_NO_REGS, block);
}

static void FreeBlock(gpointer data) {
  Block *block = data;
  g_free(block->sites);
  g_free(block);
}

static void OnExit(qemu_plugin_id_t id, void *data) {
  (void)id, (void)data;
  fprintf(out, "summary regions %u region_insns %" PRIu64 " total_insns %" PRIu64 "\n", regions_done, regions_sum,
          executed_total);
  fflush(out);
  if (out != stderr) fclose(out);
  g_ptr_array_free(blocks, TRUE);
  g_hash_table_destroy(sites);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info;
  out = stderr;
  for (int i = 0; i < argc; ++i) {
    char *equals = strchr(argv[i], '=');
    if (equals == NULL) {
      fprintf(stderr, "region_count: expected key=value, got '%s'\n", argv[i]);
      return -1;
    }
    *equals = '\0';
    const char *key = argv[i], *value = equals + 1;
    /* Thumb function addresses may carry bit 0; instruction addresses do not. */
    if (strcmp(key, "begin") == 0) {
      begin_address = strtoull(value, NULL, 0) & ~1ull;
    } else if (strcmp(key, "end") == 0) {
      end_address = strtoull(value, NULL, 0) & ~1ull;
    } else if (strcmp(key, "hist") == 0) {
      histogram = strcmp(value, "on") == 0;
    } else if (strcmp(key, "out") == 0) {
      out = fopen(value, "w");
      if (out == NULL) {
        fprintf(stderr, "region_count: cannot write %s\n", value);
        return -1;
      }
    } else {
      fprintf(stderr, "region_count: unknown option '%s'\n", key);
      return -1;
    }
  }
  if (begin_address == UINT64_MAX || end_address == UINT64_MAX) {
    fprintf(stderr, "region_count: begin=ADDR and end=ADDR are required\n");
    return -1;
  }
  sites = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  blocks = g_ptr_array_new_with_free_func(FreeBlock);
  qemu_plugin_register_vcpu_tb_trans_cb(id, OnTranslate);
  qemu_plugin_register_atexit_cb(id, OnExit, NULL);
  return 0;
}
