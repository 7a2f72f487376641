# Golden values for toolkit/lib/cox.c: R's coxph() (ties = "efron" and "breslow", default
# coxph.control) and cox.zph(fit) with its defaults (transform = "km", terms = TRUE).
# Run from the repository root:  Rscript scripts/golden_cox.R
# Writes the inputs to tests/data/cox/<case>.csv (columns time, status, group, covariates...,
# and stratum for stratified cases), reads them back (so R and the C test see the same doubles)
# and writes tests/golden/cox.tsv with keys <case>.<ties>.<figure>[.<covariate>].
suppressPackageStartupMessages(library(survival))

datadir <- "tests/data/cox"
dir.create(datadir, showWarnings = FALSE, recursive = TRUE)

out <- character(0)
fmt <- function(v) {
	if (is.na(v)) return("NA")
	if (is.infinite(v)) return(if (v > 0) "Inf" else "-Inf")
	sprintf("%.17g", v)
}
put <- function(key, v) out <<- c(out, paste0(key, "\t", fmt(as.numeric(v))))

write_case <- function(name, d) {
	# 17 significant digits, so that the C test reads exactly the doubles R fits
	d[] <- lapply(d, function(v) ifelse(is.na(v), "NA", sprintf("%.17g", as.numeric(v))))
	write.csv(d, file.path(datadir, paste0(name, ".csv")), row.names = FALSE, quote = FALSE, na = "NA")
	read.csv(file.path(datadir, paste0(name, ".csv")))
}

# One fit and its figures. covs: the covariate columns after time, status (group first).
golden_fit <- function(name, d, covs, ties, strata = FALSE) {
	rhs <- paste(covs, collapse = " + ")
	if (strata) rhs <- paste(rhs, "+ strata(stratum)")
	form <- as.formula(paste("Surv(time, status) ~", rhs))
	warn <- character(0)
	fit <- withCallingHandlers(coxph(form, data = d, ties = ties),
		warning = function(w) { warn <<- c(warn, conditionMessage(w)); invokeRestart("muffleWarning") })
	key <- paste(name, ties, sep = ".")
	put(paste0(key, ".n"), fit$n)
	put(paste0(key, ".nevent"), fit$nevent)
	put(paste0(key, ".iter"), fit$iter)
	put(paste0(key, ".loglik0"), fit$loglik[1])
	put(paste0(key, ".loglik"), fit$loglik[2])
	# flags R raises: 1 when coxph warned that a coefficient may be infinite / did not converge
	put(paste0(key, ".warn_infinite"), any(grepl("may be infinite", warn)))
	put(paste0(key, ".warn_noconv"), any(grepl("did not converge", warn)))
	if (fit$nevent == 0) return(invisible(NULL))
	s <- summary(fit, conf.int = 0.95)
	cf <- s$coefficients
	ci <- s$conf.int
	for (v in covs) {
		put(paste0(key, ".coef.", v), cf[v, "coef"])
		put(paste0(key, ".se.", v), cf[v, "se(coef)"])
		put(paste0(key, ".hr.", v), cf[v, "exp(coef)"])
		put(paste0(key, ".z.", v), cf[v, "z"])
		put(paste0(key, ".p.", v), cf[v, "Pr(>|z|)"])
		put(paste0(key, ".lower.", v), ci[v, "lower .95"])
		put(paste0(key, ".upper.", v), ci[v, "upper .95"])
	}
	# a second confidence level, to check the conf_level option
	ci90 <- summary(fit, conf.int = 0.9)$conf.int
	for (v in covs) {
		put(paste0(key, ".lower90.", v), ci90[v, 3])
		put(paste0(key, ".upper90.", v), ci90[v, 4])
	}
	put(paste0(key, ".lr"), s$logtest["test"])
	put(paste0(key, ".lr_df"), s$logtest["df"])
	put(paste0(key, ".lr_p"), s$logtest["pvalue"])
	put(paste0(key, ".score"), s$sctest["test"])
	put(paste0(key, ".score_p"), s$sctest["pvalue"])
	put(paste0(key, ".wald"), fit$wald.test)
	put(paste0(key, ".wald_p"), s$waldtest["pvalue"])
	zph <- try(cox.zph(fit), silent = TRUE)
	if (!inherits(zph, "try-error")) {
		tb <- zph$table
		for (v in rownames(tb)) {
			put(paste0(key, ".zph_chisq.", v), tb[v, "chisq"])
			put(paste0(key, ".zph_df.", v), tb[v, "df"])
			put(paste0(key, ".zph_p.", v), tb[v, "p"])
		}
	}
	invisible(fit)
}

both <- function(name, d, covs, strata = FALSE) {
	golden_fit(name, d, covs, "efron", strata)
	golden_fit(name, d, covs, "breslow", strata)
}

# --- textbook data from the survival package --------------------------------------------
# lung: status 1/2 -> 0/1; group = female (sex 2); rows with NA in the covariates removed
l <- na.omit(data.frame(time = lung$time, status = lung$status - 1, group = as.integer(lung$sex == 2),
	age = lung$age, ph_ecog = lung$ph.ecog))
l <- write_case("lung", l)
both("lung", l, c("group", "age", "ph_ecog"))

# ovarian: group = rx 2
o <- data.frame(time = ovarian$futime, status = ovarian$fustat, group = as.integer(ovarian$rx == 2),
	age = ovarian$age)
o <- write_case("ovarian", o)
both("ovarian", o, c("group", "age"))

# veteran: group = trt 2; numeric covariates; and stratified by cell type
v <- data.frame(time = veteran$time, status = veteran$status, group = as.integer(veteran$trt == 2),
	karno = veteran$karno, diagtime = veteran$diagtime, age = veteran$age, prior = veteran$prior,
	stratum = as.integer(veteran$celltype))
v <- write_case("veteran", v)
both("veteran", v, c("group", "karno", "diagtime", "age", "prior"))
both("veteran_strata", v, c("group", "karno", "age"), strata = TRUE)

# aml: group = Maintained
a <- data.frame(time = aml$time, status = aml$status, group = as.integer(aml$x == "Maintained"))
a <- write_case("aml", a)
both("aml", a, "group")

# --- adversarial cases ---------------------------------------------------------------------
set.seed(20261125)
# ties at every time: 200 people, 5 distinct times, most of them events
n <- 200
t <- data.frame(time = sample(1:5, n, replace = TRUE), status = rbinom(n, 1, 0.8),
	group = rbinom(n, 1, 0.5), x = round(rnorm(n), 3))
t <- write_case("ties", t)
both("ties", t, c("group", "x"))

# one covariate constant (not in {-1, 0, 1}, so R centres it): R gives NA
cst <- data.frame(o, const = 0.3)
cst <- write_case("constant", cst)
both("constant", cst, c("group", "age", "const"))

# perfect separation: every event in the treatment group
sep <- data.frame(time = c(2, 3, 5, 7, 8, 11, 13, 4, 6, 9, 10, 12, 14, 15),
	status = c(1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0),
	group = c(1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),
	age = c(61, 45, 70, 52, 58, 66, 49, 63, 55, 71, 47, 59, 68, 50))
sep <- write_case("separation", sep)
both("separation", sep, c("group", "age"))

# no events at all
ne <- data.frame(time = c(3, 5, 7, 9, 11, 13), status = 0, group = c(1, 0, 1, 0, 1, 0),
	age = c(50, 60, 55, 65, 45, 70))
ne <- write_case("noevents", ne)
both("noevents", ne, c("group", "age"))

# a treatment group with one member
one <- data.frame(time = c(5, 8, 3, 9, 12, 4, 7, 11, 6, 10), status = c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0),
	group = c(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), age = c(58, 61, 47, 70, 52, 66, 49, 55, 63, 59))
one <- write_case("onemember", one)
both("onemember", one, c("group", "age"))

# a larger simulated sample: 3000 people, 3 strata, times on a coarse grid (many ties),
# a covariate that depends on the stratum, non-proportional hazards for x2
n <- 3000
st <- sample(1:3, n, replace = TRUE)
g <- rbinom(n, 1, 0.5)
x1 <- round(rnorm(n, 40 + 5 * st, 10), 1)
x2 <- rbinom(n, 1, 0.3)
rate <- exp(-0.4 * g + 0.02 * (x1 - 40) + 0.1 * st)
tt <- rexp(n, rate * 0.01) * ifelse(x2 == 1, 0.5 + runif(n), 1)
cens <- runif(n, 20, 300)
big <- data.frame(time = round(pmin(tt, cens)), status = as.integer(tt <= cens), group = g,
	x1 = x1, x2 = x2, stratum = st)
big <- write_case("big", big)
both("big", big, c("group", "x1", "x2"))
both("big_strata", big, c("group", "x1", "x2"), strata = TRUE)

# strongly non-proportional hazards: the effect of x2 fades with time (small zph p-values)
n <- 1500
g <- rbinom(n, 1, 0.5)
x2 <- rbinom(n, 1, 0.5)
early <- rexp(n, 0.05 * exp(1.5 * x2 - 0.3 * g))
late <- 10 + rexp(n, 0.05 * exp(-1.5 * x2 - 0.3 * g))
tt <- ifelse(early < 10, early, late)
cens <- runif(n, 5, 60)
nph <- data.frame(time = round(pmin(tt, cens), 2), status = as.integer(tt <= cens), group = g, x2 = x2,
	age = round(rnorm(n, 50, 10)))
nph <- write_case("nonph", nph)
both("nonph", nph, c("group", "x2", "age"))

# times that differ only by floating-point rounding: R's aeqSurv (timefix) ties them
tf <- data.frame(time = c(0.1 + 0.2, 0.3, 1 / 3 * 3, 1, 0.7 * 3 / 3, 0.7, 2.2, 1.1 * 2, 5, 4.9),
	status = c(1, 1, 1, 0, 1, 1, 1, 1, 0, 1), group = c(1, 0, 1, 0, 1, 0, 1, 0, 0, 1),
	age = c(50, 61, 47, 70, 52, 66, 49, 55, 63, 59))
stopifnot(tf$time[1] != tf$time[2])
tf <- write_case("timefix", tf)
both("timefix", tf, c("group", "age"))

# strata edge cases: time 0, a stratum of one, a stratum without events, the last time with a
# single subject at risk, a -1/0/1 covariate (not centred by R), a covariate near 1e6
ed <- data.frame(
	time = c(0, 0, 3, 5, 5, 8, 9, 12, 12, 15, 4, 6, 7, 7, 10, 2, 11, 13, 14, 20),
	status = c(1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0),
	group = c(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1),
	sign = c(-1, 0, 1, 1, -1, 0, 0, 1, -1, 1, 0, 1, -1, 0, 1, -1, 1, 0, -1, 0),
	big = 1e6 + c(0.5, 1.25, 2, 0.75, 3.5, 1, 2.25, 0.25, 1.5, 2.75, 3, 0.5, 1.75, 2.5, 0, 1.25, 3.25, 2, 0.75, 1.5),
	stratum = c(rep(1, 10), rep(2, 5), 3, rep(4, 4)))
ed <- write_case("edge", ed)
both("edge", ed, c("group", "sign", "big"))
both("edge_strata", ed, c("group", "sign", "big"), strata = TRUE)

# collinear covariates: x3 = x1 + x2 exactly; R gives NA for x3
co <- data.frame(o, x1 = round(o$age / 10, 1), x2 = seq_len(nrow(o)) %% 3)
co$x3 <- co$x1 + co$x2
co <- write_case("collinear", co)
both("collinear", co, c("group", "x1", "x2", "x3"))

header <- sprintf("# generated by scripts/golden_cox.R (R %s.%s, survival %s)",
	R.version$major, R.version$minor, as.character(packageVersion("survival")))
writeLines(c(header, out), "tests/golden/cox.tsv")
