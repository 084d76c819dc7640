// The delivery-settings fields shared by the subscribe form and the settings page: time zone (detected in the
// browser when it can be, always editable), delivery hour, frequency and the weekly day. Plain form fields.
import type { SendTimes } from '../../core/schedule/send-times';
import { TZ_SCRIPT_PATH } from './assets';

export const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

let zones: string[] | null = null;
/** Every IANA zone the runtime knows, UTC first. */
export function timeZoneNames(): string[] {
  zones ??= ['UTC', ...(Intl.supportedValuesOf?.('timeZone') ?? []).filter((z) => z !== 'UTC')];
  return zones;
}

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

export interface DeliveryValues {
  timezone: string;
  frequency: string;
  weekday: number;
  delivery_hour: number;
}

/** What the form says instead of an hour picker when the schedules send at fixed times (the hour is kept, unused). */
function FixedTimes(props: { times: string[]; hour: number; ownZone: boolean; problem: unknown }) {
  const { times } = props;
  return (
    <div>
      <span class="label" id="delivery-time">
        Delivery time
      </span>
      <p class="hint" aria-labelledby="delivery-time">
        {times.length === 0
          ? 'Sent when this site sends an edition; none is scheduled yet.'
          : `Sent with every edition, at ${times.join(' and ')}${props.ownZone ? ' your time' : ''}.`}
      </p>
      <input type="hidden" name="delivery_hour" value={String(props.hour)} />
      {props.problem}
    </div>
  );
}

/**
 * The fields; `detect` lets the browser's zone replace the default (the reader has not chosen one yet).
 * `sendTimes` says whether the reader's hour counts; when it does not, the form shows when editions go out instead.
 */
export function DeliveryFields(props: {
  values: DeliveryValues;
  detect: boolean;
  sendTimes: SendTimes;
  problems?: Record<string, string>;
}) {
  const v = props.values;
  const problem = (field: string) =>
    props.problems?.[field] ? (
      <span class="error" id={`${field}-problem`} role="alert">
        {props.problems[field]}
      </span>
    ) : null;
  return (
    <>
      <label for="timezone">
        Your time zone
        <span class="hint" id="timezone-detected">
          {props.detect ? 'We use it to send your briefing at your morning, not ours.' : 'Your briefing is sent by the clock of this zone.'}
        </span>
      </label>
      <select id="timezone" name="timezone" data-detect-timezone={props.detect ? 'auto' : 'chosen'} aria-describedby="timezone-detected">
        {timeZoneNames().map((z) => (
          <option value={z} selected={z === v.timezone}>
            {z.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      {problem('timezone')}
      <fieldset>
        <legend>How often</legend>
        {[
          ['daily', 'Every day'],
          ['weekdays', 'Weekdays (Monday to Friday)'],
          ['weekly', 'Once a week, on the day chosen below'],
        ].map(([value, label]) => (
          <label class="choice">
            <input type="radio" name="frequency" value={value} checked={v.frequency === value} /> {label}
          </label>
        ))}
        {problem('frequency')}
      </fieldset>
      <div class="row">
        {props.sendTimes.readerChooses ? (
          <div>
            <label for="delivery_hour">Delivery time</label>
            <select id="delivery_hour" name="delivery_hour">
              {Array.from({ length: 24 }, (_, h) => (
                <option value={String(h)} selected={h === v.delivery_hour}>
                  {hourLabel(h)}
                </option>
              ))}
            </select>
            {problem('delivery_hour')}
          </div>
        ) : (
          <FixedTimes
            times={props.sendTimes.times}
            hour={v.delivery_hour}
            ownZone={props.sendTimes.inReaderZone}
            problem={problem('delivery_hour')}
          />
        )}
        <div>
          <label for="weekday">Day, if weekly</label>
          <select id="weekday" name="weekday">
            {weekdayNames.map((name, d) => (
              <option value={String(d)} selected={d === v.weekday}>
                {name}
              </option>
            ))}
          </select>
          {problem('weekday')}
        </div>
      </div>
      {props.detect ? <script src={TZ_SCRIPT_PATH} defer /> : null}
    </>
  );
}
